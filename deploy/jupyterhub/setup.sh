#!/usr/bin/env bash
# One machine's JupyterHub for a cohort of the course, set up from this repository. Run as
# root; running it again changes only what is missing or out of date.
#
#   sudo deploy/jupyterhub/setup.sh                  # /srv/safety-first-ml, users in /home
#   sudo deploy/jupyterhub/setup.sh --students "ana bo cy"
#   sudo /srv/safety-first-ml/hub/run.sh             # the hub, in the foreground
#
# What it makes (PREFIX defaults to /srv/safety-first-ml):
#   SOFTWARE (/opt/safety-first-ml-hub): hub-venv (JupyterHub), node (configurable-http-proxy),
#       singleuser (requirements.lock + this repository's `course` package + jupyterhub-singleuser).
#       Shared by every PREFIX, rebuilt only when a pin, the lock or the course package changes.
#   unix users: INSTRUCTOR and GRADER (group formgrade-<course>: the course staff), STUDENTS;
#       homes mode 0700 under HOME_BASE.
#   PREFIX/exchange: nbgrader's exchange (1777: world-writable as nbgrader documents, plus the
#       sticky bit so nobody can rename or remove what another user made there);
#       PREFIX/exchange/<course>: owned by INSTRUCTOR, group staff, setgid, so every submission
#       belongs to the staff group.
#   PREFIX/course: the nbgrader course directory (nbgrader_config.py, solutions/, assignments/),
#       INSTRUCTOR:staff 2770, linked from the staff's homes as ~/<course>.
#   PREFIX/etc/jupyter-{student,staff}: the Jupyter config of each role (JUPYTER_CONFIG_PATH of
#       its single-user servers): nbgrader's course id and exchange, the lab extensions.
#   PREFIX/hub (root 0700): settings.json, the hub's database, cookie secret, proxy token,
#       run.sh.
set -euo pipefail
umask 022

JUPYTERHUB_VERSION=6.1.1
CHP_VERSION=5.3.0
COURSE_ID=safety-first-ml          # course/grading/nbconfig.py COURSE_ID
MARKER="safety-first-ml hub user (deploy/jupyterhub/setup.sh)"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PREFIX=/srv/$COURSE_ID
SOFTWARE=/opt/$COURSE_ID-hub
HOME_BASE=/home
USER_PREFIX=""
INSTRUCTOR=instructor
GRADER=grader
STUDENTS="student1 student2"
PORT=8000
HUB_PORT=8081
PROXY_API_PORT=8001
PYTHON=""
STAFF_GROUP=formgrade-$COURSE_ID

usage() { sed -n '2,25p' "$0"; cat <<EOF
Options (defaults in brackets):
  --prefix DIR        state, course, exchange and config [$PREFIX]
  --software DIR      virtualenvs and the proxy, shared across prefixes [$SOFTWARE]
  --home-base DIR     where the users' homes go [$HOME_BASE]
  --user-prefix P     prepended to every user name below [none]
  --instructor NAME   [$INSTRUCTOR]   --grader NAME [$GRADER]
  --students "A B"    [$STUDENTS]
  --port N            the hub's public port on 127.0.0.1 [$PORT]
  --hub-port N        the hub's API port [$HUB_PORT]   --proxy-api-port N [$PROXY_API_PORT]
  --staff-group NAME  unix group of the course staff [$STAFF_GROUP]
  --python PATH       the Python 3.11.5+ for both virtualenvs [the newest python3.1x found];
                      one users cannot run (under /root, say) is copied into SOFTWARE/python
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=$2; shift 2 ;;
        --software) SOFTWARE=$2; shift 2 ;;
        --home-base) HOME_BASE=$2; shift 2 ;;
        --user-prefix) USER_PREFIX=$2; shift 2 ;;
        --instructor) INSTRUCTOR=$2; shift 2 ;;
        --grader) GRADER=$2; shift 2 ;;
        --students) STUDENTS=$2; shift 2 ;;
        --port) PORT=$2; shift 2 ;;
        --hub-port) HUB_PORT=$2; shift 2 ;;
        --proxy-api-port) PROXY_API_PORT=$2; shift 2 ;;
        --python) PYTHON=$2; shift 2 ;;
        --staff-group) STAFF_GROUP=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root (it creates users and spawns their servers)" >&2; exit 1; }
mkdir -p "$SOFTWARE"
case "$PREFIX$SOFTWARE$HOME_BASE" in *" "*) echo "setup.sh: paths must not contain spaces" >&2; exit 2 ;; esac
INSTRUCTOR=$USER_PREFIX$INSTRUCTOR
GRADER=$USER_PREFIX$GRADER
STUDENT_LIST=()
for s in $STUDENTS; do STUDENT_LIST+=("$USER_PREFIX$s"); done
step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------- Debian packages
missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v bwrap >/dev/null || missing+=(bubblewrap)     # safety-course grade's sandbox
command -v runuser >/dev/null || missing+=(util-linux)
command -v patchelf >/dev/null || missing+=(patchelf)    # only to copy a Python, below
/usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    step "Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ---------------------------------------------------------------- a Python every user can run
# requirements.lock needs Python 3.11.5 or newer (Debian 12's is 3.11.2). The first one found
# is used; if it lives where other users cannot reach it (pyenv under /root), its standard
# library is copied to SOFTWARE/python and its binary pointed at the copy's libpython.
python_fits() { "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11, 5))' 2>/dev/null; }
everyone_runs() { (cd / && runuser -u nobody -- "$1" -c 'import encodings' 2>/dev/null); }
if [ -z "$PYTHON" ]; then
    for cand in python3.13 python3.12 python3.11 python3 /usr/bin/python3; do
        p=$(command -v "$cand" || true)
        if [ -n "$p" ] && python_fits "$p"; then PYTHON=$p; break; fi
    done
    [ -n "$PYTHON" ] || { echo "setup.sh: no Python 3.11.5+ found; pass --python PATH" >&2; exit 1; }
fi
python_fits "$PYTHON" || { echo "setup.sh: $PYTHON is not Python 3.11.5+ with venv" >&2; exit 1; }
if ! everyone_runs "$PYTHON"; then
    base=$("$PYTHON" -c 'import sys; print(sys.base_prefix)')
    ver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    want="$base $("$PYTHON" -V 2>&1)"
    if ! { [ -f "$SOFTWARE/python/.stamp" ] && [ "$(cat "$SOFTWARE/python/.stamp")" = "$want" ]; }; then
        step "a copy of $base (Python $ver) in $SOFTWARE/python, which every user can run"
        rm -rf "$SOFTWARE/python"
        mkdir -p "$SOFTWARE/python/bin" "$SOFTWARE/python/lib"
        cp -a "$base/bin/python$ver" "$SOFTWARE/python/bin/"
        cp -a "$base"/lib/libpython"$ver"*.so* "$SOFTWARE/python/lib/" 2>/dev/null || true
        (cd "$base/lib" && tar cf - --exclude="python$ver/site-packages" --exclude="python$ver/test" \
            --exclude="python$ver/idlelib" --exclude=__pycache__ "python$ver") | tar xf - -C "$SOFTWARE/python/lib"
        mkdir -p "$SOFTWARE/python/lib/python$ver/site-packages"
        patchelf --set-rpath '$ORIGIN/../lib' "$SOFTWARE/python/bin/python$ver"
        ln -sf "python$ver" "$SOFTWARE/python/bin/python3"
        chmod -R a+rX "$SOFTWARE/python"
        echo "$want" > "$SOFTWARE/python/.stamp"
    fi
    PYTHON="$SOFTWARE/python/bin/python3"
    everyone_runs "$PYTHON" || { echo "setup.sh: the copy $PYTHON does not run as another user" >&2; exit 1; }
fi
echo "Python for the hub and the users: $PYTHON ($("$PYTHON" -V 2>&1))"

# ---------------------------------------------------------------- software (cached)
BUILT=""
pip_quiet() {  # pip, without this machine's notes about absent local indexes
    "$1"/bin/python -m pip install --quiet --disable-pip-version-check "${@:2}" 2>&1 \
        | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

HUB_STAMP="jupyterhub==$JUPYTERHUB_VERSION python=$("$PYTHON" -V 2>&1)"
if ! stamp_ok "$SOFTWARE/hub-venv/.stamp" "$HUB_STAMP"; then
    step "JupyterHub $JUPYTERHUB_VERSION in $SOFTWARE/hub-venv"
    rm -rf "$SOFTWARE/hub-venv"
    "$PYTHON" -m venv "$SOFTWARE/hub-venv"
    pip_quiet "$SOFTWARE/hub-venv" "jupyterhub==$JUPYTERHUB_VERSION"
    echo "$HUB_STAMP" > "$SOFTWARE/hub-venv/.stamp"
    BUILT=1
fi

CHP="$SOFTWARE/node/node_modules/.bin/configurable-http-proxy"
if ! stamp_ok "$SOFTWARE/node/.stamp" "configurable-http-proxy@$CHP_VERSION" || [ ! -x "$CHP" ]; then
    step "configurable-http-proxy $CHP_VERSION in $SOFTWARE/node"
    rm -rf "$SOFTWARE/node"
    mkdir -p "$SOFTWARE/node"
    (cd "$SOFTWARE/node" && npm install --silent --no-fund --no-audit --prefix . \
        "configurable-http-proxy@$CHP_VERSION" >/dev/null)
    echo "configurable-http-proxy@$CHP_VERSION" > "$SOFTWARE/node/.stamp"
    BUILT=1
fi

# The single-user environment: the course's lock, the course package installed (not
# editable: the checkout, with its solutions/, need not be readable by students), and the
# same JupyterHub for jupyterhub-singleuser, resolved together with the lock's pins (pip fails
# rather than move a pinned package).
SU="$SOFTWARE/singleuser"
LOCK_STAMP="$(sha256sum "$REPO/requirements.lock" | cut -c1-16) jupyterhub==$JUPYTERHUB_VERSION python=$("$PYTHON" -V 2>&1)"
if ! stamp_ok "$SU/.stamp-lock" "$LOCK_STAMP"; then
    step "single-user environment from requirements.lock in $SU (a few minutes the first time)"
    rm -rf "$SU"
    "$PYTHON" -m venv "$SU"
    pip_quiet "$SU" -r "$REPO/requirements.lock" "jupyterhub==$JUPYTERHUB_VERSION"
    echo "$LOCK_STAMP" > "$SU/.stamp-lock"
    BUILT=1
fi
COURSE_STAMP=$(cd "$REPO" && find course pyproject.toml -type f -not -path '*/__pycache__/*' \
    -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if ! stamp_ok "$SU/.stamp-course" "$COURSE_STAMP"; then
    step "the course package into $SU"
    build=$(mktemp -d)
    # Build from a copy of only what the package needs, so nothing else of the checkout is read.
    (cd "$REPO" && tar cf - --exclude=__pycache__ pyproject.toml README.md course) | tar xf - -C "$build"
    pip_quiet "$SU" --no-deps --force-reinstall "$build"
    rm -rf "$build"
    echo "$COURSE_STAMP" > "$SU/.stamp-course"
    BUILT=1
fi
SITE=$("$SU/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if ! cmp -s "$HERE/safety_exchange.py" "$SITE/safety_exchange.py"; then
    install -m 0644 "$HERE/safety_exchange.py" "$SITE/safety_exchange.py"
fi
if [ -n "$BUILT" ]; then chmod -R a+rX "$SOFTWARE"; fi

# ---------------------------------------------------------------- users and groups
step "users: staff $INSTRUCTOR $GRADER, students ${STUDENT_LIST[*]}"
getent group "$STAFF_GROUP" >/dev/null || groupadd "$STAFF_GROUP"
mkdir -p "$HOME_BASE"
make_user() {
    local name=$1
    if ! id "$name" >/dev/null 2>&1; then
        useradd --create-home --home-dir "$HOME_BASE/$name" --shell /bin/bash \
            --comment "$MARKER" "$name"
    fi
    chmod 0700 "$(getent passwd "$name" | cut -d: -f6)"
}
for u in "$INSTRUCTOR" "$GRADER" "${STUDENT_LIST[@]}"; do make_user "$u"; done
usermod -a -G "$STAFF_GROUP" "$INSTRUCTOR"
usermod -a -G "$STAFF_GROUP" "$GRADER"
for s in "${STUDENT_LIST[@]}"; do
    if id -nG "$s" | tr ' ' '\n' | grep -qx "$STAFF_GROUP"; then
        echo "setup.sh: student $s is in the staff group $STAFF_GROUP: remove them first" >&2
        exit 1
    fi
done

# ---------------------------------------------------------------- folders
step "folders under $PREFIX"
mkdir -p "$PREFIX" "$PREFIX/etc" "$PREFIX/hub"
chmod 0755 "$PREFIX" "$PREFIX/etc"
chmod 0700 "$PREFIX/hub"
# nbgrader's exchange: world-writable (nbgrader's docs: chmod ugo+rw), sticky like /tmp.
mkdir -p "$PREFIX/exchange"
chmod 1777 "$PREFIX/exchange"
# The course's folder in the exchange exists before any student can squat the name.
mkdir -p "$PREFIX/exchange/$COURSE_ID"
chown "$INSTRUCTOR:$STAFF_GROUP" "$PREFIX/exchange/$COURSE_ID"
chmod 2755 "$PREFIX/exchange/$COURSE_ID"

COURSE="$PREFIX/course"
if [ ! -f "$COURSE/nbgrader_config.py" ]; then
    mkdir -p "$COURSE"
    (cd "$REPO" && tar cf - --exclude=.ipynb_checkpoints --exclude=__pycache__ \
        nbgrader_config.py solutions assignments) | tar xf - -C "$COURSE"
fi
chown -R "$INSTRUCTOR:$STAFF_GROUP" "$COURSE"
chmod 2770 "$COURSE"
chmod -R g+rwX,o-rwx "$COURSE"
for u in "$INSTRUCTOR" "$GRADER"; do
    link="$(getent passwd "$u" | cut -d: -f6)/$COURSE_ID"
    [ -L "$link" ] || ln -s "$COURSE" "$link"
    chown -h "$u:$u" "$link"
done

# ---------------------------------------------------------------- per-role Jupyter config
step "Jupyter config per role in $PREFIX/etc"
for role in student staff; do
    d="$PREFIX/etc/jupyter-$role"
    mkdir -p "$d/labconfig"
    {
        echo "# Written by deploy/jupyterhub/setup.sh: nbgrader settings of every $role's server."
        echo "import os"
        echo "c = get_config()  # noqa: F821"
        echo "c.CourseDirectory.course_id = \"$COURSE_ID\""
        echo "c.Exchange.root = \"$PREFIX/exchange\""
        echo "c.Exchange.timezone = \"UTC\""
        echo "# Submissions readable by the staff group only; collect refuses any submission"
        echo "# whose folder is not owned by the student it names (deploy/jupyterhub/safety_exchange.py)."
        echo "c.ExchangeFactory.submit = \"safety_exchange.PrivateSubmit\""
        echo "c.ExchangeFactory.collect = \"safety_exchange.OwnerCheckedCollect\""
        if [ "$role" = staff ]; then
            echo "# The course directory, linked into each staff member's home."
            echo "c.CourseDirectory.root = os.path.expanduser(\"~/$COURSE_ID\")"
            echo "c.CourseDirectory.groupshared = True"
        fi
    } > "$d/nbgrader_config.py"
    if [ "$role" = student ]; then
        cat > "$d/jupyter_server_config.json" <<'EOF'
{
  "ServerApp": {
    "jpserver_extensions": {
      "nbgrader.server_extensions.formgrader": false,
      "nbgrader.server_extensions.course_list": false,
      "nbgrader.server_extensions.assignment_list": true,
      "nbgrader.server_extensions.validate_assignment": true
    }
  },
  "FileContentsManager": {
    "hide_globs": ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "*.so", "*.dylib"]
  },
  "LabApp": {
    "news_url": null,
    "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"
  }
}
EOF
        cat > "$d/labconfig/page_config.json" <<'EOF'
{
  "disabledExtensions": {
    "@jupyter/nbgrader:formgrader": true,
    "@jupyter/nbgrader:create-assignment": true,
    "@jupyter/nbgrader:course-list": true,
    "@jupyterlab/apputils-extension:announcements": true
  }
}
EOF
    else
        cat > "$d/jupyter_server_config.json" <<'EOF'
{
  "ServerApp": {
    "jpserver_extensions": {
      "nbgrader.server_extensions.formgrader": true,
      "nbgrader.server_extensions.course_list": true,
      "nbgrader.server_extensions.assignment_list": true,
      "nbgrader.server_extensions.validate_assignment": true
    }
  },
  "LabApp": {
    "news_url": null,
    "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"
  }
}
EOF
        cat > "$d/labconfig/page_config.json" <<'EOF'
{
  "disabledExtensions": {
    "@jupyterlab/apputils-extension:announcements": true
  }
}
EOF
    fi
done
chmod -R a+rX "$PREFIX/etc"

# ---------------------------------------------------------------- the hub's own state
step "hub state in $PREFIX/hub"
HUBDIR="$PREFIX/hub"
[ -s "$HUBDIR/proxy-token" ] || { "$PYTHON" -c 'import secrets; print(secrets.token_hex(32))' > "$HUBDIR/proxy-token"; }
chmod 0600 "$HUBDIR/proxy-token"
students_json=$(printf '"%s",' "${STUDENT_LIST[@]}"); students_json="[${students_json%,}]"
cat > "$HUBDIR/settings.json" <<EOF
{
  "course_id": "$COURSE_ID",
  "port": $PORT,
  "hub_port": $HUB_PORT,
  "proxy_api_port": $PROXY_API_PORT,
  "state_dir": "$HUBDIR",
  "etc_dir": "$PREFIX/etc",
  "course_dir": "$COURSE",
  "exchange": "$PREFIX/exchange",
  "singleuser": "$SU",
  "proxy": "$CHP",
  "instructor": "$INSTRUCTOR",
  "graders": ["$GRADER"],
  "students": $students_json
}
EOF
cat > "$HUBDIR/run.sh" <<EOF
#!/bin/sh
# Runs the hub in the foreground (Ctrl-C or SIGTERM stops it and the users' servers).
cd "$HUBDIR"
export SFML_HUB_SETTINGS="$HUBDIR/settings.json"
export CONFIGPROXY_AUTH_TOKEN="\$(cat "$HUBDIR/proxy-token")"
exec "$SOFTWARE/hub-venv/bin/jupyterhub" -f "$HERE/jupyterhub_config.py" "\$@"
EOF
chmod 0700 "$HUBDIR/run.sh"
"$SOFTWARE/hub-venv/bin/python" -c "import json; json.load(open('$HUBDIR/settings.json'))"

step "done"
cat <<EOF
Start the hub:        $HUBDIR/run.sh          (listens on http://127.0.0.1:$PORT)
Log in:               each user with their unix password (set one: passwd NAME); staff: $INSTRUCTOR $GRADER
Course directory:     $COURSE  (~/$COURSE_ID for the staff)
Exchange:             $PREFIX/exchange
Versions:             jupyterhub $JUPYTERHUB_VERSION, configurable-http-proxy $CHP_VERSION, nbgrader $("$SU/bin/python" -c 'from importlib.metadata import version; print(version("nbgrader"))')
EOF
