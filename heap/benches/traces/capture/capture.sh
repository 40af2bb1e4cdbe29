#!/usr/bin/env bash
# Re-captures every trace of ../README.md from its real program, on Debian 12 (bookworm):
#
#   apt-get install gcc g++ python3 perl perl-doc gawk git nginx-light apache2-utils xz-utils
#   heap/benches/traces/capture/capture.sh [NAME...]     (all traces when no name is given)
#
#   build shim.c ──► run the program with LD_PRELOAD=malloc_trace.so, TRACE_DIR=<tmp>
#     ──► one raw log per process; the largest is the program's own (cc1plus, not g++)
#     ──► normalize.py ──► NAME.trace ──► xz -9e ──► ../NAME.trace.xz; prints a README row
#
# The inputs come from Debian packages (Python's standard library, Perl's pods, g++'s
# headers) or this repository (its git history up to a fixed commit, wordcount.cpp), so a
# re-capture on the same packages repeats the same work. sqlite and gcc come from the
# project's shared traces and are not captured here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")
repo=$(git -C "$here" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -shared -fPIC -Wall -Wextra -o "$work/malloc_trace.so" "$here/shim.c"
pods=/usr/share/perl/5.36/pod

# Runs "$@" under the shim with a fresh log directory.
traced() {
    rm -rf "$work/raw" && mkdir "$work/raw"
    TRACE_DIR="$work/raw" LD_PRELOAD="$work/malloc_trace.so" "$@"
}

python3_trace() {
    mkdir -p "$work/py" && cp -r /usr/lib/python3.11/json /usr/lib/python3.11/email "$work/py"
    PYTHONMALLOC=malloc traced /usr/bin/python3 -m compileall -q -f "$work/py"
}
perl_trace() { traced pod2text "$pods/perlop.pod" >/dev/null; }
gxx_trace() { traced g++ -std=c++17 -O1 -c "$here/wordcount.cpp" -o "$work/wordcount.o"; }
gawk_trace() {
    traced gawk '{ for (i = 1; i <= NF; i++) count[tolower($i)]++ }
        END { for (word in count) if (count[word] > 500) print count[word], word }' \
        "$pods/perlfunc.pod" "$pods/perlop.pod" >/dev/null
}
git_trace() { traced git -C "$repo" --no-pager log -p --stat 8ce583f >/dev/null; }
nginx_trace() {
    local site="$work/nginx"
    mkdir -p "$site/www" "$site/logs"
    cp "$pods/perlfunc.pod" "$pods/perlop.pod" "$site/www"
    for i in $(seq 1 50); do echo "page $i" >"$site/www/p$i.html"; done
    cat >"$site/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $site/nginx.pid;
error_log $site/logs/error.log;
events { worker_connections 256; }
http {
    access_log $site/logs/access.log;
    server {
        listen 127.0.0.1:18080;
        root $site/www;
        gzip on;
        gzip_types text/plain;
        location / { autoindex on; }
    }
}
CONF
    traced nginx -p "$site" -c "$site/nginx.conf" &
    local server=$!
    for _ in $(seq 50); do [ -e "$site/nginx.pid" ] && break; sleep 0.1; done
    ab -q -n 10000 -c 8 http://127.0.0.1:18080/ >/dev/null
    ab -q -n 10000 -c 8 -H "Accept-Encoding: gzip" http://127.0.0.1:18080/perlop.pod >/dev/null
    ab -q -n 10000 -c 8 http://127.0.0.1:18080/p7.html >/dev/null
    kill -QUIT "$(cat "$site/nginx.pid")"
    wait "$server"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(python3 perl gxx gawk git nginx)
echo "| file | ops | blocks | live at exit | peak live bytes | dropped calls |"
for name in "${names[@]}"; do
    "${name}_trace"
    raw=$(ls -S "$work"/raw/*.raw | head -n 1)
    read -r ops blocks live peak dropped < <(python3 "$here/normalize.py" "$raw" "$work/$name.trace")
    xz -9e -T1 -c "$work/$name.trace" >"$out/$name.trace.xz"
    echo "| $name.trace.xz | $ops | $blocks | $live | $peak | $dropped |"
done
