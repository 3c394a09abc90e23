# ops_lib.sh - helpers for the operator tests (source after lib.sh):
#
#   ctl ARGS...            build/mcuctl against the running mcud ($MCUD_URL) with the
#                          admin token it wrote to its state dir (found like an operator
#                          on the same machine would: MCU_STATE_DIR)
#   json EXPR              reads JSON on stdin, prints the JavaScript expression EXPR of
#                          it (`o` is the value), e.g. json 'o.state'
#   http METHOD PATH TOKEN [BODY]   a raw HTTP/1.1 request to mcud; prints the status
#                          code on the first line and the body after it
#   wait_state ID STATE SECONDS     polls `conference show` until the state is STATE

MCUCTL=$BUILD_DIR/mcuctl

ctl() {
    MCU_URL=$MCUD_URL MCU_STATE_DIR=$MCUD_STATE_DIR MCU_TOKEN= MCUCTL_CONFIG= "$MCUCTL" "$@"
}

json() {
    node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => {
        const o = JSON.parse(s); const v = eval(process.argv[1]);
        console.log(typeof v === "string" ? v : JSON.stringify(v)); });' "$1"
}

http() {
    local method=$1 path=$2 token=$3 body=${4:-} fd status
    exec {fd}<>"/dev/tcp/127.0.0.1/$MCUD_PORT" || fail "cannot connect to mcud"
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
        "$method" "$path" "$token" "${#body}" "$body" >&"$fd"
    local response
    response=$(timeout 10 cat <&"$fd") || true
    exec {fd}>&-
    status=$(printf '%s' "$response" | head -n1 | cut -d' ' -f2)
    echo "$status"
    printf '%s' "$response" | sed '1,/^\r\{0,1\}$/d'
    echo
}

wait_state() {
    local id=$1 want=$2 seconds=$3 state="" tries
    for tries in $(seq $((seconds * 5))); do
        state=$(ctl --json conference show "$id" | json 'o.state') || state="(show failed)"
        [ "$state" = "$want" ] && return 0
        sleep 0.2
    done
    fail "conference $id is '$state', not '$want', after $seconds s"
}
