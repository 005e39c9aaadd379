/* Branchy control flow: a small bytecode VM (switch -> br_table) running a
 * loop program that sums and mixes, n outer iterations. */
#include "common.h"
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, XOR, SHR, JNZ, DEC, DUP, POP, HALT };
static const int32_t program[] = {
    PUSH, 1000, STORE, 0,              /* counter = 1000 */
    PUSH, 0, STORE, 1,                 /* acc = 0 */
    /* loop @8: */
    LOAD, 1, LOAD, 0, ADD,             /* acc + counter */
    DUP, PUSH, 3, SHR, XOR,            /* x ^ (x >> 3) */
    PUSH, 7, MUL, STORE, 1,            /* acc = ... * 7 */
    LOAD, 0, DEC, DUP, STORE, 0,       /* counter-- */
    JNZ, 8,
    LOAD, 1, HALT};

static int32_t run_vm(int32_t seed) {
    int32_t stack[64], vars[4] = {0, 0, 0, 0};
    int32_t sp = 0, pc = 0;
    vars[2] = seed;
    for (;;) {
        int32_t op = program[pc++];
        switch (op) {
        case PUSH: stack[sp++] = program[pc++]; break;
        case LOAD: stack[sp++] = vars[program[pc++]]; break;
        case STORE: vars[program[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> stack[sp]); break;
        case JNZ: { int32_t t = program[pc++]; if (stack[--sp]) pc = t; break; }
        case DEC: stack[sp - 1]--; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case POP: sp--; break;
        case HALT: return stack[sp - 1] + vars[2];
        default: return -1;
        }
    }
}

EXPORT(run) int64_t run(int32_t n) {
    int64_t sum = 0;
    for (int32_t i = 0; i < n; i++) sum += run_vm(i);
    return sum;
}
