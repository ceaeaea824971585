#!/usr/bin/env bash
# Re-creates the real-project workspace used to measure django-atlas against Django itself.
# See README.md beside this file. Nothing here touches the repository except reading this folder.
#
#   bash test/real/setup.sh            # everything (apt, Debian overlays, checkouts, vendored libs)
#   SKIP_APT=1 bash test/real/setup.sh # no apt-get at all (overlays already downloaded)
#
# Assumes the fetch tool already brought the GitHub snapshots to $MIRROR (owner+name/repo).
# Outputs go to $REAL (default /work/real), outside the repository. Third-party code never
# enters the repository.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REAL=${REAL:-/work/real}
MIRROR=${MIRROR:-/work/.mirror}
mkdir -p "$REAL"

log() { printf '== %s\n' "$*" >&2; }

git_dir() { # owner+name -> bare git dir of the fetch mirror
    local d="$MIRROR/$1/repo"
    [ -d "$d/.git" ] && d="$d/.git"
    [ -d "$d" ] || { echo "missing fetch mirror $MIRROR/$1 (run the fetch tool for github:${1/+//})" >&2; return 1; }
    echo "$d"
}

# ---------------------------------------------------------------------------------------------
# 1. Debian bookworm packages (system install; the Debian interpreter /usr/bin/python3 is 3.11)
# ---------------------------------------------------------------------------------------------
BOOKWORM_PKGS=(
    python3-django            # 4.2 from bookworm-backports (locallibrary runs on it)
    python3-djangorestframework
    python3-psycopg2
    python3-dotenv python3-dj-database-url python3-whitenoise
    python3-docutils python3-feedparser python3-libsass python3-markdown python3-pil
    python3-pygments python3-pymdownx python3-dateutil python3-sphinx
    python3-sphinxcontrib.serializinghtml python3-stripe python3-moneyed python3-jinja2
    python3-requests python3-yaml python3-uritemplate python3-inflection python3-jsonschema
    python3-plotly python3-defusedxml python3-filetype python3-soupsieve python3-lxml
    python3-et-xmlfile python3-tz python3-sqlparse python3-packaging
)
if [ -z "${SKIP_APT:-}" ]; then
    log "apt: bookworm packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports python3-django >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${BOOKWORM_PKGS[@]}" >/dev/null
    # bookworm's psycopg 3.1.7 is too old for Django 4.2 (needs 3.1.8) and would shadow psycopg2
    if dpkg -s python3-psycopg >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq python3-psycopg >/dev/null
    fi
fi

# ---------------------------------------------------------------------------------------------
# 2. Newer Debian packages (sid / experimental), downloaded with apt-get into a private apt state
#    and unpacked (not installed) into overlay folders put on PYTHONPATH per project.
#    deb/sid:        arch-all packages from unstable (pure Python)
#    deb/django-5.2: python3-django 5.2 from unstable
#    deb/django-6.1: python3-django 6.1 from experimental
# ---------------------------------------------------------------------------------------------
SID_PKGS=(
    python3-asgiref python3-typing-extensions python3-psycopg
    python3-sorl-thumbnail python3-django-countries
    python3-django-contact-form python3-django-money
    python3-djangorestframework python3-django-filters python3-django-taggit
    python3-django-treebeard python3-django-modelcluster python3-willow python3-bs4
    python3-openpyxl python3-django-tasks python3-django-stubs-ext python3-django-extensions
    python3-django-csp python3-dj-database-url python3-dotenv python3-whitenoise
    python3-django-axes python3-django-ipware python3-django-cors-headers python3-django-imagekit
    python3-django-appconf python3-pilkit python3-django-import-export python3-diff-match-patch
    python3-tablib python3-django-qr-code python3-segno python3-django-storages
    python3-django-widget-tweaks python3-uritemplate
)
APT_DIR="$REAL/_apt"
APTO=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache"
      -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
deb_overlay() { # NAME PKG... : download the packages' .debs and unpack them into $REAL/deb/NAME
    local name=$1; shift
    local dir="$REAL/deb/$name" dl="$APT_DIR/debs/$name"
    mkdir -p "$dl"
    if [ -z "${SKIP_APT:-}" ]; then
        (cd "$dl" && rm -f ./*.deb && apt-get "${APTO[@]}" download "$@" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    for d in "$dl"/*.deb; do dpkg-deb -x "$d" "$dir"; done
    ls "$dl" > "$dir/PACKAGES.txt"
}
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
cat > "$APT_DIR/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian experimental main
EOF
if [ -z "${SKIP_APT:-}" ]; then
    log "apt: private sid/experimental package lists"
    apt-get "${APTO[@]}" update -qq
fi
log "deb overlays"
deb_overlay sid "${SID_PKGS[@]}"
deb_overlay django-5.2 "python3-django/unstable"
deb_overlay django-6.1 "python3-django/experimental"

# ---------------------------------------------------------------------------------------------
# 3. Project checkouts (pinned commits of the fetch mirrors)
# ---------------------------------------------------------------------------------------------
PROJECTS=(
    "locallibrary  mdn+django-locallibrary-tutorial 3dbedbed216386e068723f5d3fefeae63bcfe16d"
    "djangoproject django+djangoproject.com         68a439a59f5692e9d847f23318d7a8603fc33c72"
    "bakerydemo    wagtail+bakerydemo               8e2b625755d8942412d5b7627b146a795933b8b2"
    "babybuddy     babybuddy+babybuddy              fa8bf4cd66ed149e23c215763a49a2f76dbcd2b7"
    "drf-tutorial  encode+rest-framework-tutorial   efce73a9ccd9430616884a0910affc0dc4a6497c"
)
for line in "${PROJECTS[@]}"; do
    read -r name mirror commit <<<"$line"
    g=$(git_dir "$mirror") || continue
    log "checkout $name @ $commit"
    rm -rf "${REAL:?}/$name"; mkdir -p "$REAL/$name"
    git --git-dir="$g" archive "$commit" | tar -x -C "$REAL/$name"
done

# ---------------------------------------------------------------------------------------------
# 4. Libraries Debian does not package: pure-Python sources from the fetch mirrors, per project
#    in $REAL/vendor/PROJECT (symlinks to $REAL/src/MIRROR@REF/...) with a minimal dist-info so
#    importlib.metadata.version() works.
# ---------------------------------------------------------------------------------------------
VENDOR=(
    # project      mirror                              ref                                       package path               dist name                  version
    "djangoproject jazzband+django-hosts               7.0.0                                     django_hosts               django-hosts               7.0.0"
    "djangoproject brutasse+django-push                22fda99641cfbd2f3075a723d92652a8e38220a5  django_push                django-push                1.1"
    "djangoproject macropin+django-registration        v2.13                                     registration               django-registration-redux  2.13"
    "djangoproject django-recaptcha+django-recaptcha   4.1.0                                     django_recaptcha           django-recaptcha           4.1.0"
    "djangoproject django-commons+django-debug-toolbar 7.0.0                                     debug_toolbar              django-debug-toolbar       7.0.0"
    "djangoproject adamchainz+django-read-only         1.21.0                                    src/django_read_only       django-read-only           1.21.0"
    "bakerydemo    wagtail+wagtail                     v7.4.3                                    wagtail                    wagtail                    7.4.3"
    "bakerydemo    django-commons+django-debug-toolbar 4.4.6                                     debug_toolbar              django-debug-toolbar       4.4.6"
    "bakerydemo    wagtail+django-permissionedforms    v0.1                                      permissionedforms          django-permissionedforms   0.1"
    "bakerydemo    springload+draftjs_exporter         v5.1.0                                    draftjs_exporter           draftjs_exporter           5.1.0"
    "bakerydemo    anyascii+anyascii                   0.3.3                                     impl/python/anyascii       anyascii                   0.3.3"
    "bakerydemo    wagtail+telepath                    v0.3.1                                    telepath                   telepath                   0.3.1"
    "bakerydemo    tbrlpld+laces                       v0.1.2                                    laces                      laces                      0.1.2"
    "bakerydemo    wagtail+django-modelsearch          53d1292f94f38260f7cf6ad014260be0280710fb  modelsearch                modelsearch                1.1.1"
    "bakerydemo    allcaps+wagtail-font-awesome-svg    bab59b66b0c5a5a28e0e8fd45e9cc5bf1beeeec8  wagtailfontawesomesvg      wagtail-font-awesome-svg   1.0"
    "babybuddy     surefyresystems+django-dbsettings   e1655e5eb5c816da74ca9b3a9b4e5457207d880e  dbsettings                 django-dbsettings          1.3.0"
    "drf-tutorial  tfranzel+drf-spectacular            d8679422975c68bc3a2c97c278957ec043d915c1  drf_spectacular            drf-spectacular            0.29.0"
)
rm -rf "$REAL/vendor"
for line in "${VENDOR[@]}"; do
    read -r project mirror ref pkgpath dist version <<<"$line"
    g=$(git_dir "$mirror") || continue
    src="$REAL/src/$mirror@$ref"
    if [ ! -d "$src/$pkgpath" ]; then
        log "vendor $mirror @ $ref: $pkgpath"
        mkdir -p "$src/$pkgpath"
        # only the package folder (some mirrors lack blobs of big unrelated files)
        git --git-dir="$g" archive "$ref:$pkgpath" | tar -x -C "$src/$pkgpath"
    fi
    vdir="$REAL/vendor/$project"
    mkdir -p "$vdir"
    ln -sfn "$src/$pkgpath" "$vdir/$(basename "$pkgpath")"
    meta="$vdir/$(echo "$dist" | tr '-' '_')-$version.dist-info"
    mkdir -p "$meta"
    printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$dist" "$version" > "$meta/METADATA"
done

log "done: run bash $HERE/run.sh to regenerate $REAL/<name>.django.json"
