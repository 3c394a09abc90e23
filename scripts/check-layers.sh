#!/bin/bash
# check-layers.sh - the build's check of the tree's boundaries (run by `make layers`).
#
# Reads lines "FOLDER|PACKAGES|USES" on standard input (the Makefile's PKGS.folder and
# USES.folder) and checks, for the .c and .h files directly in each FOLDER:
#   - every #include <...> of a known library's header belongs to one of PACKAGES
#     (so only mcu/store sees sqlite3.h, only mcu/http libwebsockets.h, and so on);
#   - every #include "A/B/x.h" names a file in FOLDER itself or in one of USES;
#   - the USES arrows have no circle (tsort).
# Prints each violation as FILE:LINE: message and exits 1 if there was one.
set -u
cd "$(dirname "$0")/.."

# The package a library header belongs to, or nothing for system and C headers.
package_of() {
    case "$1" in
    glib.h | glib-unix.h | glib/* | glib-object.h | gobject/*) echo glib-2.0 ;;
    gio/*) echo gio-2.0 ;;
    agent.h | nice/*) echo nice ;;
    openssl/*) echo openssl ;;
    srtp2/*) echo libsrtp2 ;;
    jansson.h) echo jansson ;;
    libwebsockets.h | libwebsockets/*) echo libwebsockets ;;
    sqlite3.h) echo sqlite3 ;;
    libavcodec/*) echo libavcodec ;;
    libavformat/*) echo libavformat ;;
    libavutil/*) echo libavutil ;;
    libswresample/*) echo libswresample ;;
    libswscale/*) echo libswscale ;;
    ft2build.h | freetype/*) echo freetype2 ;;
    opus.h | opus/*) echo opus ;;
    libyuv.h | libyuv/*) echo yuv ;;
    gst/*) echo gstreamer-1.0 ;;
    curl/*) echo libcurl ;;
    cmocka.h) echo cmocka ;;
    esac
}

errors=0
edges=""
while IFS='|' read -r folder pkgs uses; do
    [ -n "$folder" ] || continue
    for u in $uses; do edges="$edges$folder $u"$'\n'; done
    edges="$edges$folder $folder"$'\n'
    for f in "$folder"/*.c "$folder"/*.h; do
        [ -f "$f" ] || continue
        while IFS=: read -r line text; do
            header=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' <<<"$text")
            if [ -n "$header" ]; then
                pkg=$(package_of "$header")
                [ -z "$pkg" ] && continue
                case " $pkgs " in *" $pkg "*) continue ;; esac
                echo "$f:$line: <$header> is $pkg, which $folder may not use (PKGS.$folder: ${pkgs:-none})"
                errors=$((errors + 1))
                continue
            fi
            inc=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$text")
            [ -n "$inc" ] || continue
            dir=$(dirname "$inc")
            if [ "$dir" = . ]; then
                echo "$f:$line: \"$inc\": include project headers by their path from the top (\"$folder/$inc\")"
                errors=$((errors + 1))
                continue
            fi
            [ "$dir" = "$folder" ] && continue
            case " $uses " in *" $dir "*) continue ;; esac
            echo "$f:$line: \"$inc\" is in $dir, which $folder may not include (USES.$folder: ${uses:-none})"
            errors=$((errors + 1))
        done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$f")
    done
done

if [ -n "${LAYERS_KNOWN_CIRCLE:-}" ]; then
    echo "layers: WARNING: circle check skipped (LAYERS_KNOWN_CIRCLE: $LAYERS_KNOWN_CIRCLE)" >&2
elif ! out=$(printf '%s' "$edges" | tsort 2>&1 >/dev/null); then
    echo "the USES arrows have a circle:"
    echo "$out" | sed 's/^/  /'
    errors=$((errors + 1))
fi

if [ "$errors" -gt 0 ]; then
    echo "layers: $errors violation(s) of the boundaries in the Makefile (PKGS./USES.)" >&2
    exit 1
fi
