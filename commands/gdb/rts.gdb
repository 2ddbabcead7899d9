# rts.gdb — runtime-aware commands for people who stay in gdb.  No Python:
# plain gdb `define`s that call the runtime's in-process printers
# (rts/include/rts/DebugPrinters.h), which decode through the same
# debug-info table and decoders as rtsdb's `rts ...` commands.
#
#   (gdb) source commands/gdb/rts.gdb
#   (gdb) rts-mvar mvar
#
# They need a live process (gdb cannot call functions in a core file: use
# `rtsdb --core` there).  Output goes to the program's stderr.

define rts-mvar
  if $argc != 1
    echo usage: rts-mvar ADDRESS\n
  else
    call (int) rts_dbg_print_mvar((void *) ($arg0))
  end
end
document rts-mvar
rts-mvar ADDRESS -- print an MVar: CLEAN/DIRTY, value, and its queue of
blocked threads as 0x...@1 -> 0x...@0 -> END with each node's TSO, plus a
verdict when an invariant is broken (e.g. a missing write barrier).
@n marks a nursery block, @0 a gen-0 aging block, @1 generation 1.
end

define rts-tso
  if $argc != 1
    echo usage: rts-tso ADDRESS\n
  else
    call (int) rts_dbg_print_tso((void *) ($arg0))
  end
end
document rts-tso
rts-tso ADDRESS -- print a thread (TSO): id, capability, what_next,
why_blocked by name, block_info decoded, _link, stack, dirty.
end

define rts-threads
  call (int) rts_dbg_print_threads()
end
document rts-threads
rts-threads -- list every thread of every generation with its state and,
for blocked threads, what it is blocked on.
end

define rts-bd
  if $argc != 1
    echo usage: rts-bd ADDRESS\n
  else
    call (int) rts_dbg_print_bd((void *) ($arg0))
  end
end
document rts-bd
rts-bd ADDRESS -- print the block descriptor of the block holding ADDRESS:
start, free, generation, flags by name, and whether it is a nursery block
or a gen-0 aging block.
end

define rts-gens
  call (int) rts_dbg_print_gens()
end
document rts-gens
rts-gens -- print every generation: blocks, large blocks, collections.
end

define rts-closure
  if $argc != 1
    echo usage: rts-closure ADDRESS\n
  else
    call (int) rts_dbg_print_closure((void *) ($arg0))
  end
end
document rts-closure
rts-closure ADDRESS -- print any closure by its info table, with the
generation of each pointer field.
end

define rts-record
  if $argc == 0
    printf "recording mask 0x%x (gc 0x1, evac 0x2, mvar 0x4, caf 0x8, thread 0x10, sanity 0x20, watch 0x40, weak 0x80)\n", rts_recorder.enabled
  else
    set var rts_recorder.enabled = (unsigned int) ($arg0)
    printf "recording mask now 0x%x\n", rts_recorder.enabled
  end
end
document rts-record
rts-record [MASK] -- show or set the flight recorder's category mask
(rts_recorder.enabled): 0 stops recording, 0xff records everything.
Safe at any moment once the runtime has started (Note [Switching
categories at run time] in rts/FlightRecorder.c); the bits are the ABI's
"event_category" constants.
end
