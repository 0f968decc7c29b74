#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The man page and `hcsms --help` name the same options and environment
variables (so neither can drift from the other), and the page renders
without warnings.

    check_man.py HCSMS_BINARY docs/hcsms.1
"""
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*[a-z]|-[vh])\b")
ENV = re.compile(r"\b((?:HCSMS|HUAWEICLOUD_SDK)_[A-Z_]*[A-Z])((?:/_[A-Z_]*[A-Z])*)|\b(https_proxy|HTTPS_PROXY|no_proxy|NO_PROXY)\b")


def names(text):
    options = set(OPTION.findall(text))
    env = set()
    for base, more, proxy in ENV.findall(text):
        if proxy:
            env.add(proxy)
            continue
        env.add(base)
        # "HUAWEICLOUD_SDK_AK/_SK/_SECURITY_TOKEN": the prefix with each suffix
        prefix = base[:base.rfind("_")] if more else ""
        for suffix in filter(None, more.split("/")):
            env.add(prefix + suffix)
    # "HCSMS_" alone names the family, not a variable
    env.discard("HCSMS")
    return options, env


def roff_text(path):
    text = open(path, encoding="utf-8").read()
    text = text.replace("\\-", "-").replace("\\e", "\\")
    text = re.sub(r"\\f[BIRP]", "", text)
    return "\n".join(l for l in text.splitlines() if not l.startswith('.\\"'))


def main():
    binary, page = sys.argv[1], sys.argv[2]
    run = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10)
    if run.returncode != 0:
        sys.exit("check_man: %s --help exited %d" % (binary, run.returncode))
    help_options, help_env = names(run.stdout)
    man_options, man_env = names(roff_text(page))
    failed = False
    for what, a, b in (("options", help_options, man_options), ("environment variables", help_env, man_env)):
        if a - b:
            print("check_man: in --help, not in the man page (%s): %s" % (what, " ".join(sorted(a - b))))
            failed = True
        if b - a:
            print("check_man: in the man page, not in --help (%s): %s" % (what, " ".join(sorted(b - a))))
            failed = True
    render = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", page],
                            capture_output=True, text=True, timeout=30,
                            env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    if render.returncode != 0 or render.stderr.strip():
        print("check_man: man -l %s: exit %d\n%s" % (page, render.returncode, render.stderr))
        failed = True
    # The page names the version it documents: the binary's.
    version = run.stdout and subprocess.run([binary, "--version"], capture_output=True,
                                            text=True, timeout=10).stdout.split()[1]
    if '"hcsms %s"' % version not in open(page, encoding="utf-8").read():
        print("check_man: the page's .TH line does not name hcsms %s" % version)
        failed = True
    if failed:
        sys.exit(1)
    print("check_man: %d options and %d environment variables in both; man -l renders %d lines"
          % (len(help_options), len(help_env), len(render.stdout.splitlines())))


if __name__ == "__main__":
    main()
