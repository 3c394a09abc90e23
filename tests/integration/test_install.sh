#!/bin/bash
# test_install.sh - packaging (issue 17): `make install DESTDIR=... PREFIX=/usr` puts
# the programs, the web client, the man pages, the bash completion, the systemd unit,
# the sysusers.d file and the example config where docs/operator-guide.md
# ("Installing") says; the installed mcud starts on the installed config (a temporary
# state dir) and serves the installed web client without --web-root; every [mcud] and
# [conference ID] key mcud knows is in the example with its default and named in
# mcud(8), and the example with every "#key=default" line switched on is accepted too;
# systemd-analyze verify accepts the unit (no output at all; without systemd-analyze
# the unit's keys are checked by a small parser, and the test says so); the man pages
# render without a warning (man and groff: Debian's man-db and groff-base, which
# `make deps` installs; missing, the test fails); `make uninstall` removes it all but
# the operator's mcud.conf.
source "$(dirname "$0")/lib.sh"
require mcud mcuctl mcu-room man groff

DEST=$TEST_TMP/dest
make -C "$ROOT" --no-print-directory BUILD="$BUILD" install DESTDIR="$DEST" PREFIX=/usr \
    >"$TEST_TMP/install.log" 2>&1 || { cat "$TEST_TMP/install.log"; fail "make install failed"; }

# --- the files, with their modes ---
expect_file() {   # PATH MODE
    [ -f "$DEST$1" ] || fail "make install did not install $1"
    local mode
    mode=$(stat -c %a "$DEST$1")
    [ "$mode" = "$2" ] || fail "$1 has mode $mode, expected $2"
}
for p in mcud mcuctl mcu-room; do expect_file /usr/bin/$p 755; done
for f in "$ROOT"/client/web/*; do expect_file "/usr/share/hoinghi/web/$(basename "$f")" 644; done
expect_file /usr/share/man/man8/mcud.8 644
expect_file /usr/share/man/man1/mcuctl.1 644
expect_file /usr/share/man/man1/mcu-room.1 644
expect_file /usr/share/bash-completion/completions/mcuctl 644
expect_file /usr/lib/systemd/system/hoinghi-mcud.service 644
expect_file /usr/lib/sysusers.d/hoinghi.conf 644
expect_file /usr/share/doc/hoinghi/mcud.conf.example 644
expect_file /etc/hoinghi/mcud.conf 644
cmp -s "$DEST/etc/hoinghi/mcud.conf" "$ROOT/dist/mcud.conf.example" \
    || fail "/etc/hoinghi/mcud.conf is not dist/mcud.conf.example"
bash -c "source '$DEST/usr/share/bash-completion/completions/mcuctl' && complete -p mcuctl" \
    >/dev/null 2>&1 || fail "the installed bash completion does not define a completion for mcuctl"
say "files installed"

# A second install keeps the operator's config.
echo "# the operator's" >>"$DEST/etc/hoinghi/mcud.conf"
make -C "$ROOT" --no-print-directory BUILD="$BUILD" install DESTDIR="$DEST" PREFIX=/usr \
    >"$TEST_TMP/install2.log" 2>&1 || fail "a second make install failed"
grep -q "the operator's" "$DEST/etc/hoinghi/mcud.conf" || fail "make install overwrote mcud.conf"

# --- the installed mcud on the installed config serves the installed web client ---
INSTALLED_MCUD=$DEST/usr/bin/mcud
MARK="installed-web-root-$RANDOM$RANDOM"
echo "<!-- $MARK -->" >>"$DEST/usr/share/hoinghi/web/index.html"
get_page() {   # prints the body of GET / from 127.0.0.1:$MCUD_PORT
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$MCUD_PORT" || return 1
    printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&"$fd"
    timeout 5 cat <&"$fd"
    exec {fd}>&-
}
run_installed() {   # CONFIG: starts the installed mcud on it, fetches /, stops it
    local config=$1 state tries
    state=$(mktemp -d "$TEST_TMP/state.XXXXXX")
    MCUD_PORT=$(free_port)
    "$INSTALLED_MCUD" --config "$config" --state-dir "$state" --listen "127.0.0.1:$MCUD_PORT" \
        --ice-address 127.0.0.1 >>"$MCUD_LOG" 2>&1 &
    MCUD_PID=$!
    for tries in $(seq 100); do
        process_running "$MCUD_PID" || { wait "$MCUD_PID" || true; MCUD_PID="";
            fail "the installed mcud refused $config: $(tail -n 3 "$MCUD_LOG")"; }
        http_answers && break
        sleep 0.1
    done
    http_answers || fail "the installed mcud did not answer on port $MCUD_PORT"
    get_page >"$TEST_TMP/page.html" || fail "GET / failed"
    grep -q "$MARK" "$TEST_TMP/page.html" \
        || fail "the installed mcud did not serve /usr/share/hoinghi/web (got: $(head -c 300 "$TEST_TMP/page.html"))"
    stop_mcud
}
run_installed "$DEST/usr/share/doc/hoinghi/mcud.conf.example"
say "the installed mcud serves the installed web client on the example config"

# Every key mcud knows is in the example: an [mcud] key as "#key=default" (or
# "# key=example"), a [conference ID] key in the list of them with its default; mcud(8)
# names every key of both groups. With every "#key=default" switched on mcud still
# accepts the example.
listed_keys() {   # KEY-FILE-TEXT PATTERN: the keys mcud names as known for an unknown key
                  # in that text, each found in the example by PATTERN (grep -E, KEY
                  # standing for the key)
    local keys key
    printf '%b' "$1" >"$TEST_TMP/bad.conf"
    keys=$("$INSTALLED_MCUD" --config "$TEST_TMP/bad.conf" --state-dir "$TEST_TMP/x" 2>&1 \
        | sed -n 's/.*(known: \(.*\)).*/\1/p' | tr -d ' ' | tr ',' ' ' || true)
    [ -n "$keys" ] || fail "mcud did not name its known keys for an unknown key in: $1"
    for key in $keys; do
        grep -Eq "${2//KEY/$key}" "$ROOT/dist/mcud.conf.example" \
            || fail "dist/mcud.conf.example does not show the key $key (as ${2//KEY/$key})"
    done
    echo "$keys"
}
known=$(listed_keys '[mcud]\nno-such-key=1\n' '^#? ?KEY=')
conference_keys=$(listed_keys '[conference a]\ntype=mix\nno-such-key=1\n' '^#   ([a-z-]+, )*KEY( |,)')
for key in $known $conference_keys; do
    grep -qwF -- "${key//-/\\-}" "$ROOT/docs/man/mcud.8" || fail "mcud(8) does not name the key $key"
done
sed -E 's/^#([a-z-]+=)/\1/' "$ROOT/dist/mcud.conf.example" >"$TEST_TMP/defaults.conf"
switched=$(grep -cE '^[a-z-]+=' "$TEST_TMP/defaults.conf")
[ "$switched" -ge 10 ] || fail "only $switched keys in the example have a default line"
run_installed "$TEST_TMP/defaults.conf"
say "the example names every key ($known; conferences: $conference_keys); its $switched defaults are accepted"

# --- the systemd unit ---
UNIT=$DEST/usr/lib/systemd/system/hoinghi-mcud.service
grep -qx 'ExecStart=/usr/bin/mcud --config /etc/hoinghi/mcud.conf' "$UNIT" \
    || fail "the unit's ExecStart is not /usr/bin/mcud --config /etc/hoinghi/mcud.conf"
for line in User=hoinghi Group=hoinghi StateDirectory=hoinghi NoNewPrivileges=yes \
            ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
            'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK'; do
    grep -qx "$line" "$UNIT" || fail "the unit lacks $line"
done
# A small parser: sections and key names of the keys the unit may use.
bad=$(awk '
    BEGIN {
        split("Description Documentation After Wants", u); for (i in u) ok["Unit", u[i]] = 1
        split("Type User Group ExecStart Restart RestartSec RestartPreventExitStatus " \
              "StateDirectory StateDirectoryMode WorkingDirectory UMask LimitNOFILE " \
              "NoNewPrivileges ProtectSystem ProtectHome PrivateTmp PrivateDevices " \
              "ProtectKernelTunables ProtectKernelModules ProtectKernelLogs " \
              "ProtectControlGroups ProtectClock ProtectHostname RestrictAddressFamilies " \
              "RestrictNamespaces RestrictRealtime RestrictSUIDSGID LockPersonality " \
              "MemoryDenyWriteExecute SystemCallArchitectures SystemCallFilter " \
              "CapabilityBoundingSet AmbientCapabilities", s); for (i in s) ok["Service", s[i]] = 1
        ok["Install", "WantedBy"] = 1
    }
    /^[ \t]*(#|;|$)/ { next }
    /^\[[A-Za-z]+\]$/ { section = substr($0, 2, length($0) - 2); next }
    {
        eq = index($0, "=")
        if (eq == 0 || section == "") { print FILENAME ":" NR ": not a key=value line in a section: " $0; next }
        key = substr($0, 1, eq - 1)
        if (!((section, key) in ok)) print FILENAME ":" NR ": unknown key [" section "] " key
    }' "$UNIT")
[ -z "$bad" ] || fail "the unit is malformed:"$'\n'"$bad"
if command -v systemd-analyze >/dev/null 2>&1; then
    # verify wants ExecStart's program to exist: a copy pointing at the DESTDIR one.
    sed "s|^ExecStart=/usr/bin/mcud|ExecStart=$INSTALLED_MCUD|" "$UNIT" \
        >"$TEST_TMP/hoinghi-mcud.service"
    out=$(cd "$TEST_TMP" && systemd-analyze verify --man=no hoinghi-mcud.service 2>&1) \
        || fail "systemd-analyze verify refused the unit:"$'\n'"$out"
    [ -z "$out" ] || fail "systemd-analyze verify complains about the unit:"$'\n'"$out"
    say "systemd-analyze verify accepts the unit"
else
    say "systemd-analyze is missing: the unit's keys were checked by the parser only"
fi

# --- the man pages render without a warning ---
for page in man8/mcud.8 man1/mcuctl.1 man1/mcu-room.1; do
    f=$DEST/usr/share/man/$page
    out=$( { LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" >/dev/null; } 2>&1) \
        || fail "man -l $page failed: $out"
    [ -z "$out" ] || fail "man --warnings -l $page warns:"$'\n'"$out"
    out=$(groff -ww -man -z "$f" 2>&1) || fail "groff failed on $page: $out"
    [ -z "$out" ] || fail "groff -ww warns on $page:"$'\n'"$out"
    [ "$(MANWIDTH=80 man -l "$f" 2>/dev/null | grep -c 'EXIT STATUS')" -ge 1 ] \
        || fail "$page has no EXIT STATUS section"
done
say "man pages render cleanly"

# --- uninstall ---
make -C "$ROOT" --no-print-directory BUILD="$BUILD" uninstall DESTDIR="$DEST" PREFIX=/usr \
    >"$TEST_TMP/uninstall.log" 2>&1 || { cat "$TEST_TMP/uninstall.log"; fail "make uninstall failed"; }
left=$(cd "$DEST" && find . -type f | sort)
[ "$left" = "./etc/hoinghi/mcud.conf" ] || fail "make uninstall left:"$'\n'"$left"
say "make uninstall removed everything but the operator's mcud.conf"
check_mcud_log_clean
say "pass"
