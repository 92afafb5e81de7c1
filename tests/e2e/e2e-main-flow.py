#!/usr/bin/python3
# e2e-main-flow.py: the counter's main flow driven through the accessibility tree (AT-SPI, dogtail), the way a
# screen reader or an outside test robot sees the application: first run (outlet + first supervisor), the
# wizard from the business choice to the materials with a wrong and then a right USCC (Next disabled with the
# reason, then enabled), Today's applications listing the draft, and "Switch clerk" back to the sign-in.
#
# Run by tests/e2e/run-e2e.sh (dbus-run-session, a private HOME, toolkit-accessibility on, Xvfb).
# Usage: e2e-main-flow.py CERTDESK_BINARY
import os
import subprocess
import sys
import time

from dogtail.config import config

config.searchCutoffCount = 40      # searches retry for up to ~8 s: the app works between our steps
config.defaultDelay = 0.1
config.actionDelay = 0.1
config.logDebugToFile = False

import dogtail.tree as tree        # noqa: E402  (needs the config above)
from dogtail import predicate      # noqa: E402

GOOD_USCC = "91150100MA0N2K3L4T"
BAD_USCC = "91150100MA0N2K3L4X"
PROFILE = "Inner Mongolia procurement – Shaanxi CA"


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def step(message):
    print("# " + message, flush=True)


def wait_for(what, predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return
        except Exception:           # the tree changes under us while the app works: look again
            pass
        time.sleep(0.2)
    fail("timed out waiting for " + what)


def labelled(root, label):
    """The widget a label names (GtkLabel mnemonic-widget → AT-SPI LABEL_FOR)."""
    node = root.child(name=label, roleName="label", showingOnly=True)
    target = node.labelee
    if target is None:
        fail("label %r labels no widget (mnemonic-widget missing)" % label)
    return target


def set_text(root, label, text):
    field = labelled(root, label)
    field.text = text
    if field.roleName == "password text":      # reads back as bullets: compare the length only
        wait_for("%r to take the password" % label, lambda: len(field.text) == len(text))
    else:
        wait_for("%r to take %r" % (label, text), lambda: field.text == text)


def click(root, name, role="push button"):
    button = root.child(name=name, roleName=role, showingOnly=True)
    wait_for("%r to be enabled" % name, lambda: button.sensitive)
    button.doActionNamed("click")


def reason(win):
    """The one-line reason under the wizard (why Next is disabled), the label left of Back."""
    back = win.child(name="Back", roleName="push button", showingOnly=True)
    labels = [c for c in back.parent.children if c.roleName == "label" and c.showing]
    return labels[0].name if labels else ""


def main():
    binary = sys.argv[1]
    app_process = subprocess.Popen([binary])
    try:
        app = tree.root.application("certdesk")
        win = app.child(roleName="frame")

        step("first run: outlet and first supervisor")
        for label, value in [("Outlet code:", "HHHT01"), ("Outlet name:", "呼和浩特受理点"), ("Region:", "内蒙古"),
                             ("Supervisor login:", "boss"), ("Supervisor's name:", "赵主管"),
                             ("Password:", "secret12"), ("Repeat password:", "secret12")]:
            set_text(win, label, value)
        click(win, "Create and Sign In")
        wait_for("the main window", lambda: app.child(name="赵主管 (boss) · Supervisor", roleName="label",
                                                      showingOnly=True))
        win = app.child(name="赵主管 (boss) · Supervisor", roleName="label").findAncestor(
            predicate.GenericPredicate(roleName="frame"))

        step("wizard: business")
        click(win, PROFILE, role="radio button")
        click(win, "New certificate", role="radio button")
        wait_for("Next enabled", lambda: win.child(name="Next", roleName="push button", showingOnly=True).sensitive)
        click(win, "Next")
        wait_for("the applicant step", lambda: win.child(name="Unit name:", roleName="label", showingOnly=True))

        step("wizard: applicant, a wrong USCC keeps Next disabled and says why")
        set_text(win, "Unit name:", "内蒙古某某建设有限公司")
        set_text(win, "USCC:", BAD_USCC)
        set_text(win, "Legal person:", "张法人")
        set_text(win, "Agent:", "李经办")
        set_text(win, "Agent's ID number:", "150102199003150023")
        set_text(win, "Agent's mobile:", "13912345678")
        role = labelled(win, "Party role:")
        role.doActionNamed("press")
        click(app, "Bidder", role="menu item")
        next_button = win.child(name="Next", roleName="push button", showingOnly=True)
        wait_for("the USCC's reason", lambda: "check character" in reason(win))
        if next_button.sensitive:
            fail("Next is enabled with a wrong USCC")
        step("reason shown: " + reason(win))
        set_text(win, "USCC:", GOOD_USCC)
        wait_for("Next enabled after the right USCC", lambda: next_button.sensitive)
        click(win, "Next")
        wait_for("the materials step", lambda: win.child(name="Original seen", roleName="check box",
                                                         showingOnly=True))
        wait_for("the materials' reason", lambda: reason(win).startswith("Missing"))
        step("materials reason: " + reason(win))

        step("back to the start, then Today's applications lists the draft")
        click(win, "Back")
        click(win, "Back")
        wait_for("the business step", lambda: win.child(name="Project / CA", roleName="label", showingOnly=True))
        app_list = win.child(name="Today's applications", roleName="label", showingOnly=True).parent
        app_list.select()
        wait_for("the draft in Today's applications",
                 lambda: win.child(name="内蒙古某某建设有限公司", roleName="table cell", showingOnly=True))

        step("switch clerk: back to the sign-in")
        click(win, "Switch Clerk")
        wait_for("the sign-in window", lambda: app.child(name="Sign In", roleName="push button", showingOnly=True))
        step("done")
    finally:
        app_process.terminate()
        try:
            app_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app_process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
