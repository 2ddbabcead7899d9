/* cli_vars.c — globals of every kind print cares about, for the cli tests.
 *
 * cli_print.sh stops in add() and prints these with rtsdb; the expected
 * text is gdb 13's for the same program.  hello_plugin_wanted makes the
 * sample plugin (tests/plugin/hello_plugin.c) recognise this program.
 */
/* Configure's CFLAGS (-O2) come after the per-target -O0: keep add() a
 * real, uninlined function with its locals where gdb and rtsdb expect. */
#pragma GCC optimize("O0")

#include <stddef.h>

struct point { int x; int y; };

struct node {
    int value;
    const char *label;
    struct node *next;
    struct point pos;
    unsigned flags : 3;
};

enum color { RED, GREEN = 5, BLUE };
typedef struct node node_t;

int hello_plugin_wanted = 1;
int counter = 42;
long big = -1234567890123L;
unsigned char byte = 200;
char letter = 'a';
char greeting[16] = "hello";
const char *message = "hi there";
double ratio = 0.5;
int numbers[5] = {1, 2, 3, 4, 5};
int zeros[16];
enum color favourite = GREEN;
struct node second = {2, "second", NULL, {3, 4}, 5};
struct node first = {1, "first", &second, {1, 2}, 1};
node_t *head = &first;
int (*op)(int, int);

int add(int a, int b)
{
    int sum = a + b;
    return sum;
}

int main(void)
{
    op = add;
    counter = op(counter, 1);
    return counter == 43 ? 0 : 1;
}
