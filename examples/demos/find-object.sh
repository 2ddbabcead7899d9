#!/bin/sh
# find-object.sh TRANSCRIPT VAR WORD: print "set $VAR = 0x..." for the first
# address that follows WORD (e.g. MVAR, WEAK) on the runtime's "internal
# error" line in TRANSCRIPT, for a demo script to `source`.  The runtime
# prints that line on stderr just before it stops in rts_trap_barf; the
# line may reach the transcript a moment after rtsdb reports the stop, so
# this waits up to 3 s for it.  Prints an `echo` of what went wrong instead
# when there is no such line.
transcript=$1 var=$2 word=$3
i=0
while [ $i -lt 30 ]; do
    addr=$(grep -m1 'internal error' "$transcript" 2>/dev/null |
           sed -n "s/.*$word[A-Z_]* \(0x[0-9a-f]*\).*/\1/p")
    if [ -n "$addr" ]; then
        echo "set \$$var = $addr"
        exit 0
    fi
    sleep 0.1
    i=$((i + 1))
done
echo "echo (the runtime reported no error naming a $word in this run)\\n"
