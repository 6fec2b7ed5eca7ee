"""nbgrader's file-system exchange, closed against one student acting as another.

nbgrader 0.9's default exchange lets a student submit under any name
(``nbgrader submit ASSIGNMENT --student someone-else``, or a folder named
``someone-else+ASSIGNMENT+<time>`` made by hand in the world-writable inbound folder), and
``nbgrader collect`` only logs a warning when the folder's unix owner is not the student it
names, then collects it as that student's latest submission. It also leaves each submission
readable by every user who learns its (random) folder name.

Enabled by the per-role ``nbgrader_config.py`` that ``deploy/jupyterhub/setup.sh`` writes::

    c.ExchangeFactory.submit = "safety_exchange.PrivateSubmit"
    c.ExchangeFactory.collect = "safety_exchange.OwnerCheckedCollect"

setup.sh copies this file into the single-user environment's site-packages. The collect
side is what protects the gradebook: a student who replaces ``PrivateSubmit`` in their own
``~/.jupyter`` can make their own submission readable, but cannot have it collected as
someone else's.
"""

from __future__ import annotations

import glob
import os
import pwd
from collections import defaultdict

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import get_username

SUBMISSION_DIR_MODE = 0o2770   # owner and the staff group (the inbound folder's, setgid)


def owner(path: str) -> str:
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except KeyError:
        return f"uid {os.lstat(path).st_uid}"


class PrivateSubmit(ExchangeSubmit):
    """Submit only as yourself; the submission readable by you and the course staff only."""

    def init_dest(self):
        me = get_username()
        if self.coursedir.student_id not in ("*", "", me):
            self.fail(f"You can only submit as yourself ({me}), not as "
                      f"{self.coursedir.student_id!r}.")
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        # nbgrader leaves the folder 0777 and its files 0644. The folder was made in the
        # setgid inbound folder, so it belongs to the staff group: closing it to others
        # (2770) hides everything inside, whatever the files' own modes (the two files
        # nbgrader writes last get the student's group, so they keep o+r for the staff).
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        staff_gid = os.stat(self.inbound_path).st_gid
        for folder, _, _ in os.walk(dest):
            if os.stat(folder).st_gid != staff_gid:
                self.log.warning("%s is not in the inbound folder's group: left as nbgrader "
                                 "made it (readable by anyone who knows its name)", folder)
                return
        for folder, _, _ in os.walk(dest, topdown=False):
            os.chmod(folder, SUBMISSION_DIR_MODE)


class OwnerCheckedCollect(ExchangeCollect):
    """Collect only submissions whose folder belongs to the student the name claims.

    nbgrader's own collect (``check_owner``) logs a warning and collects the folder anyway;
    here a mismatched folder is skipped with an error line, before the latest submission of
    each student is chosen, so a forged later folder cannot displace a genuine one.
    """

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path,
                               f"{student_id}+{self.coursedir.assignment_id}+*")
        records = []
        for path in glob.glob(pattern):
            rec = self._path_to_record(path)
            who = owner(path)
            if who != rec["username"]:
                self.log.error("Skipping %s: it claims to be from %s but belongs to %s "
                               "(a submission made as someone else).",
                               rec["filename"], rec["username"], who)
                continue
            records.append(rec)
        groups = defaultdict(list)
        for rec in records:
            groups[rec["username"]].append(rec)

        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for recs in groups.values():
            recs = self._sort_by_timestamp(recs)
            if self.duedate is not None and self.before_duedate:
                before = [r for r in recs if r["timestamp"] <= self.duedate]
                recs = before or recs
            self.src_records.append(recs[0])
