# cli_print.sh — print/x/ptype/whatis/info registers/set var on a live
# debuggee stopped in add(), against gdb 13's output for the same commands
# (addresses masked).
. "$top_srcdir/tests/integration/cli_lib.sh"

timeout 60 "$RTSDB" -q --batch -ex 'break add' -ex run \
    -ex 'p a' -ex 'p a + b * 2' -ex 'p counter' -ex 'p *head' -ex 'p head->next->label' \
    -ex 'p greeting' -ex 'p/x counter' -ex 'p numbers' -ex 'p zeros' -ex 'p favourite' \
    -ex 'p byte' -ex 'p letter' -ex 'p big' -ex 'p ratio' -ex 'p message' -ex 'p head' \
    -ex 'p &counter' -ex 'p sizeof(struct node)' -ex 'p first.pos' -ex 'p/x first' \
    -ex 'p &numbers[1]' -ex 'p *numbers@3' -ex 'p $1 + 1' -ex 'p $' -ex 'p $$2' \
    -ex 'ptype struct point' -ex 'ptype enum color' -ex 'whatis head' -ex 'whatis node_t' \
    -ex 'whatis &first.pos' -ex 'x/4dw numbers' -ex 'x/s message' -ex 'x/2xg &first' \
    -ex 'x/3c greeting' -ex 'x/1xb &byte' -ex 'x/2xw numbers' -ex 'output counter' -ex 'echo \n' \
    -ex 'set var counter = 100' -ex 'p counter' -ex 'set $n = counter / 3' -ex 'p $n' \
    -ex 'p $pc' -ex 'info registers rip' -ex 'p $rsp == $sp' -ex 'p nosuch' \
    -ex 'p *(int *)0' -ex 'p head->nosuch' \
    "$DEBUGGEE/cli_vars" 2>&1 | mask >"$TMP/out"

cat >"$TMP/expected" <<'EXPECTED'
Breakpoint 1 at 0xFILE: file /SRC/cli_vars.c, line 44.
Starting program: /PROGRAM 

Breakpoint 1, add (a=42, b=1) at /SRC/cli_vars.c:44
44	    int sum = a + b;
$1 = 42
$2 = 44
$3 = 42
$4 = {value = 1, label = 0xADDR "first", next = 0xADDR <second>, pos = {x = 1, y = 2}, flags = 1}
$5 = 0xADDR "second"
$6 = "hello\000\000\000\000\000\000\000\000\000\000"
$7 = 0x2a
$8 = {1, 2, 3, 4, 5}
$9 = {0 <repeats 16 times>}
$10 = GREEN
$11 = 200 '\310'
$12 = 97 'a'
$13 = -1234567890123
$14 = 0.5
$15 = 0xADDR "hi there"
$16 = (node_t *) 0xADDR <first>
$17 = (int *) 0xADDR <counter>
$18 = 40
$19 = {x = 1, y = 2}
$20 = {value = 0x1, label = 0xADDR, next = 0xADDR, pos = {x = 0x1, y = 0x2}, flags = 0x1}
$21 = (int *) 0xADDR <numbers+4>
$22 = {1, 2, 3}
$23 = 43
$24 = 43
$25 = {1, 2, 3}
type = struct point {
    int x;
    int y;
}
type = enum color {RED, GREEN = 5, BLUE}
type = node_t *
type = struct node
type = struct point *
0xADDR <numbers>:	1	2	3	4
0xADDR:	"hi there"
0xADDR <first>:	0xADDR	0xADDR
0xADDR <greeting>:	104 'h'	101 'e'	108 'l'
0xADDR <byte>:	0xc8
0xADDR <numbers>:	0x00000001	0x00000002
42
$26 = 100
$27 = 33
$28 = (void (*)()) 0xADDR <add+10>
rip            0xADDR      0xADDR <add+10>
$29 = 1
No symbol "nosuch" in current context.
Cannot access memory at address 0x0
There is no member named nosuch.
EXPECTED
sed -i -e "s|Starting program: .*cli_vars |Starting program: /PROGRAM |" \
    -e "s|at [^ ]*cli_vars.c:|at /SRC/cli_vars.c:|" \
    -e "s|^Breakpoint 1 at 0x[0-9a-f]*: file [^ ]*cli_vars.c,|Breakpoint 1 at 0xFILE: file /SRC/cli_vars.c,|" \
    "$TMP/out"
same_file "print output matches gdb's" "$TMP/expected" "$TMP/out"
finish_test
