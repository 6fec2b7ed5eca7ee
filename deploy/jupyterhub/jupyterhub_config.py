"""JupyterHub for one cohort of the course on one machine (deploy/jupyterhub/setup.sh).

Run through the ``run.sh`` that setup.sh writes, which points ``SFML_HUB_SETTINGS`` at its
``settings.json`` (ports, folders, users) and exports the proxy's token. Everything here is
the same on every machine; setup.sh's options change only the settings file.

- Listens on 127.0.0.1 only (put a TLS reverse proxy in front for a real cohort).
- Spawns each user's server as their unix user (LocalProcessSpawner, so the hub runs as
  root) from the single-user environment built from requirements.lock.
- Groups follow nbgrader's naming: ``formgrade-<course>`` (staff: instructor, graders) and
  ``nbgrader-<course>`` (students). A user's group picks the Jupyter config their server
  gets (JUPYTER_CONFIG_PATH): staff get Formgrader and Create Assignment; students get the
  Assignment List and Validate only. Both get nbgrader's course id and exchange.
- Authentication: PAM, each unix user's own password (set with ``passwd``), and only the
  users setup.sh made may log in. Not a shared password: with JupyterHub's
  SharedPasswordAuthenticator anyone holding it can log in as any other student.
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

S = json.loads(Path(os.environ.get("SFML_HUB_SETTINGS",
                                   "/srv/safety-first-ml/hub/settings.json")).read_text())
COURSE = S["course_id"]
STAFF_GROUP = f"formgrade-{COURSE}"
STUDENT_GROUP = f"nbgrader-{COURSE}"
STAFF = [S["instructor"], *S["graders"]]
STUDENTS = list(S["students"])
STATE = Path(S["state_dir"])

# ------------------------------------------------------------------ network: loopback only
c.JupyterHub.bind_url = f"http://127.0.0.1:{S['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{S['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [S["proxy"]]
c.ConfigurableHTTPProxy.should_start = True
c.Spawner.ip = "127.0.0.1"

# ------------------------------------------------------------------ the hub's own state
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True   # stopping the hub stops every user's server
c.JupyterHub.cleanup_proxy = True

# ------------------------------------------------------------------ who may log in
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False   # no login session bookkeeping (containers lack it)
c.Authenticator.allowed_users = set(STAFF) | set(STUDENTS)
c.Authenticator.admin_users = set()   # the operator administers the hub as root, not a user

# ------------------------------------------------------------------ groups and roles
c.JupyterHub.load_groups = {
    STAFF_GROUP: {"users": STAFF},
    STUDENT_GROUP: {"users": STUDENTS},
}
c.JupyterHub.load_roles = [
    {
        # Staff see the roster and can start or stop a student's server (a stuck kernel),
        # but cannot open it: no access:servers on students.
        "name": "course-staff",
        "description": f"Instructors and graders of {COURSE}",
        "scopes": [
            "self",
            "admin-ui",
            "list:users",
            f"read:users!group={STUDENT_GROUP}",
            f"read:groups!group={STUDENT_GROUP}",
            f"servers!group={STUDENT_GROUP}",
        ],
        "groups": [STAFF_GROUP],
    },
]
_admin_token = os.environ.get("SFML_HUB_ADMIN_TOKEN")
if _admin_token:
    # For scripts and the end-to-end test: create users' tokens, start and stop servers.
    c.JupyterHub.services = [{"name": "course-admin", "api_token": _admin_token}]
    c.JupyterHub.load_roles.append({
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "read:groups", "read:roles"],
        "services": ["course-admin"],
    })

# ------------------------------------------------------------------ single-user servers
SU = Path(S["singleuser"])
c.Spawner.cmd = [str(SU / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "PATH": f"{SU / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    "SHELL": "/bin/bash",
}


def role_of(user) -> str:
    groups = {g.name for g in user.groups}
    if STAFF_GROUP in groups:
        return "staff"
    if STUDENT_GROUP in groups:
        return "student"
    raise ValueError(f"{user.name} is in neither {STAFF_GROUP} nor {STUDENT_GROUP}")


def pre_spawn_hook(spawner):
    role = role_of(spawner.user)
    spawner.environment = dict(spawner.environment)
    spawner.environment["JUPYTER_CONFIG_PATH"] = f"{S['etc_dir']}/jupyter-{role}"
    spawner.log.info("%s starts as %s", spawner.user.name, role)


c.Spawner.pre_spawn_hook = pre_spawn_hook
