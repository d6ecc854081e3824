#!/bin/sh
# Builds bench/sign-bench.c against the backend library in build/ and runs it.
# Usage: bench/sign-bench.sh [COUNT] [THREADS] [CREDENTIAL_FILE]   (defaults 2000, 2, built-in)
# Run `./mic build` first; the output line is described at the top of bench/sign-bench.c.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
library=$root/build/libmiccore.a
[ -f "$library" ] || { echo "bench/sign-bench.sh: error: $library is missing; run ./mic build first" >&2; exit 1; }
out=$root/build/sign-bench
# shellcheck disable=SC2046 # pkg-config prints several flags that must split
cc -O2 -g -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/backend/src" \
	-o "$out" "$root/bench/sign-bench.c" "$library" \
	$(pkg-config --cflags --libs libmariadb jansson libqrencode cairo pangocairo) -lfcgi -lcrypto -lpthread -lm -lz
exec "$out" "${1:-2000}" "${2:-2}" ${3:+"$3"}
