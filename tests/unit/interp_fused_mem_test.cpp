// Superinstructions from the real programs' profile (superinstructions.h): indexed loads
// and stores (<Load>_Idx, <Store>_Idx), two loads in one dispatch (LdPair_<A>_<B>), a
// flag test or counter step fused with br_if / if (I32And_*, and the add/sub/and forms
// taken by `if`), br_table on a difference (I32Sub_BrTable), and an add or copies fused
// with the unconditional jump after them (I32Add_Br, Copy_Br, Copy2_Br). Each case runs
// under the four engine configurations (plain, fuel, deadline, both), checks that the
// compiler really emitted the fused op (so the semantic checks exercise it), and checks
// the values against what the wasm semantics give: 32-bit address wrap-around, an offset
// added without wrapping, traps with no partial effect, aliasing through tee'd locals.
// With fuel, a fused function costs exactly one unit less than its twin with one more
// instruction (a local.tee that also blocks the fusion): fusion moves no charge.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "handler_count_util.h"
#include "instance_util.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

struct Config {
  const char* name;
  bool fuel;
  bool deadline;
};
const Config kConfigs[] = {
    {"plain", false, false},
    {"fuel", true, false},
    {"deadline", false, true},
    {"fuel_deadline", true, true},
};

const char* kModule = R"((module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (i32.const 32) "\08\00\00\00\f0\ff\ff\ff\81\00\00\00")
  ;; base + (i << 2), the shl the add's second operand: I32Load_Idx
  (func (export "idx") (param $b i32) (param $i i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))
  ;; the shl first, a sign-extending byte load
  (func (export "idx_rev") (param $b i32) (param $i i32) (result i32)
    (i32.load8_s (i32.add (i32.shl (local.get $i) (i32.const 1)) (local.get $b))))
  (func (export "idx64") (param $b i32) (param $i i32) (result i64)
    (i64.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))
  ;; a shift count that is no constant: not fused
  (func (export "idx_var") (param $b i32) (param $i i32) (param $k i32) (result i32)
    (i32.load (i32.add (local.get $b) (i32.shl (local.get $i) (local.get $k)))))
  ;; the shl result tee'd into a local that is read again: not fused
  (func (export "idx_tee") (param $b i32) (param $i i32) (result i32) (local $t i32)
    (i32.add (i32.load (i32.add (local.get $b) (local.tee $t (i32.shl (local.get $i) (i32.const 2)))))
             (local.get $t)))
  ;; the shl result tee'd into a local: not fused (the twin of "idx" for fuel: one
  ;; instruction more)
  (func (export "idx_shl_tee") (param $b i32) (param $i i32) (result i32) (local $t i32)
    (i32.load offset=4 (i32.add (local.get $b) (local.tee $t (i32.shl (local.get $i) (i32.const 2))))))
  ;; the address tee'd into a local: I32Load_IdxTee, which writes the local too
  (func (export "idx_addr_tee") (param $b i32) (param $i i32) (result i32) (local $a i32)
    (i32.load offset=4 (local.tee $a (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
  ;; ... and its fuel twin, the shl tee'd as well: not fused
  (func (export "idx_addr_tee_twin") (param $b i32) (param $i i32) (result i32) (local $a i32) (local $t i32)
    (i32.load offset=4 (local.tee $a (i32.add (local.get $b) (local.tee $t (i32.shl (local.get $i) (i32.const 2)))))))
  ;; the load and what the local holds after it, (load << 32) | local
  (func (export "idx_tee_local") (param $b i32) (param $i i32) (result i64) (local $a i32)
    (i64.or (i64.shl (i64.extend_i32_u (i32.load offset=4 (local.tee $a
               (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))))) (i64.const 32))
            (i64.extend_i32_u (local.get $a))))
  ;; a pointer walk: p = p + (i << 1) by local.set, then a byte load of local.get p
  (func (export "idx_walk") (param $p i32) (param $i i32) (result i64)
    (local.set $p (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1))))
    (i64.or (i64.shl (i64.extend_i32_u (i32.load8_u (local.get $p))) (i64.const 32))
            (i64.extend_i32_u (local.get $p))))
  ;; the index's own local gets the address (read before it is written)
  (func (export "idx_into_index") (param $b i32) (param $i i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (i32.load16_u (local.tee $i
               (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 1)))))) (i64.const 32))
            (i64.extend_i32_u (local.get $i))))
  ;; the loaded value goes back into the address's local: the value is what stays
  (func (export "idx_chase") (param $b i32) (param $i i32) (result i64) (local $a i32)
    (local.set $a (i32.load (local.tee $a (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3))))))
    (i64.extend_i32_u (local.get $a)))
  (func (export "idx64_tee") (param $b i32) (param $i i32) (result i64) (local $a i32)
    (i64.add (i64.load (local.tee $a (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))
             (i64.extend_i32_u (local.get $a))))
  (func (export "st_idx") (param $b i32) (param $i i32) (param $v i32)
    (i32.store16 offset=2 (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 1))) (local.get $v)))
  (func (export "st_idx64") (param $b i32) (param $i i32) (param $v i64)
    (i64.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3))) (local.get $v)))
  (func (export "get32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "get64") (param i32) (result i64) (i64.load (local.get 0)))
  ;; two loads into locals: LdPair_I32Load_I32Load8U
  (func (export "two") (param $p i32) (param $q i32) (result i32) (local $x i32) (local $y i32)
    (local.set $x (i32.load (local.get $p)))
    (local.set $y (i32.load8_u offset=1 (local.get $q)))
    (i32.sub (local.get $x) (local.get $y)))
  ;; the second load's address is the first's result: LdPair_I32Load_I32Load
  (func (export "chase") (param $p i32) (result i32)
    (i32.load offset=4 (i32.load (local.get $p))))
  ;; a load feeding an add's b stays an I32Add_Ld (the pair is split again)
  (func (export "sum2") (param $p i32) (param $q i32) (result i32)
    (i32.add (i32.load (local.get $p)) (i32.load (local.get $q))))
  ;; a load feeding a, not b, of an integer op that commutes: <Binop>_Ld, operands swapped
  (func (export "ld_a_add") (param $p i32) (param $x i32) (result i32)
    (i32.add (i32.load (local.get $p)) (local.get $x)))
  (func (export "ld_a_mul") (param $p i32) (param $x i32) (result i32)
    (i32.mul (i32.load offset=4 (local.get $p)) (local.get $x)))
  ;; a sub does not commute, nor (NaN payloads) a float add: not fused
  (func (export "ld_a_sub") (param $p i32) (param $x i32) (result i32)
    (i32.sub (i32.load (local.get $p)) (local.get $x)))
  (func (export "ld_a_f64") (param $p i32) (param $x f64) (result f64)
    (f64.add (f64.load (local.get $p)) (local.get $x)))
  ;; the load was dropped: the add's a is the older product, which no fusion may replace
  (func (export "ld_dropped") (param $p i32) (param $x i32) (result i32)
    local.get $x
    local.get $x
    i32.mul
    local.get $p
    i32.load
    drop
    local.get $x
    i32.add)
  ;; the second load's destination is the first's address local
  (func (export "two_alias") (param $p i32) (result i32) (local $x i32)
    (local.set $x (i32.load8_u (local.get $p)))
    (local.set $p (i32.load8_u offset=2 (local.get $p)))
    (i32.add (i32.mul (local.get $x) (i32.const 256)) (local.get $p)))
  (func (export "two16") (param $p i32) (result i32) (local $x i32)
    (local.set $x (i32.load16_u (local.get $p)))
    (i32.sub (local.get $x) (i32.load16_u offset=2 (local.get $p))))
  ;; an i64.load32_u through the pointer the first load read
  (func (export "ld_ld64") (param $p i32) (result i64) (local $x i32)
    (local.set $x (i32.load (local.get $p)))
    (i64.add (i64.load32_u offset=4 (local.get $x)) (i64.extend_i32_u (local.get $x))))
  ;; flag tests
  (func (export "and_brif") (param $x i32) (param $m i32) (result i32)
    (block $b (br_if $b (i32.and (local.get $x) (local.get $m))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "and_brif_eqz") (param $x i32) (param $m i32) (result i32)
    (block $b (br_if $b (i32.eqz (i32.and (local.get $x) (local.get $m)))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "and_if") (param $x i32) (param $m i32) (result i32)
    (if (result i32) (i32.and (local.get $x) (local.get $m)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "and_if_twin") (param $x i32) (param $m i32) (result i32) (local $t i32)
    (if (result i32) (local.tee $t (i32.and (local.get $x) (local.get $m)))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "and_if_eqz") (param $x i32) (param $m i32) (result i32)
    (if (result i32) (i32.eqz (i32.and (local.get $x) (local.get $m))) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "and_if_eqz_twin") (param $x i32) (param $m i32) (result i32) (local $t i32)
    (if (result i32) (local.tee $t (i32.eqz (i32.and (local.get $x) (local.get $m))))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "add_if_lt") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (if (result i32) (i32.lt_s (i32.add (local.get $a) (local.get $b)) (local.get $c))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "add_if_lt_twin") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (if (result i32) (local.tee $c (i32.lt_s (i32.add (local.get $a) (local.get $b)) (local.get $c)))
      (then (i32.const 1)) (else (i32.const 2))))
  ;; c > a + b, the sum the compare's second operand
  (func (export "add_if_mirror") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $c) (i32.add (local.get $a) (local.get $b)))
      (then (i32.const 1)) (else (i32.const 2))))
  ;; the compare's other operand is the local the sum is tee'd into
  (func (export "sub_if_tee") (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.eq (local.tee $a (i32.sub (local.get $a) (local.get $b))) (local.get $a))
      (then (local.get $a)) (else (i32.const 99))))
  (func (export "sub_if") (param $a i32) (param $b i32) (result i32)
    (if (result i32) (i32.sub (local.get $a) (local.get $b)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "add64_if") (param $a i64) (param $b i64) (param $c i64) (result i32)
    (if (result i32) (i64.ne (i64.add (local.get $a) (local.get $b)) (local.get $c))
      (then (i32.const 1)) (else (i32.const 2))))
  ;; switch on x - 10 (each target a block of its own cost)
  (func (export "switch") (param $x i32) (result i32)
    (block $d (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $d (i32.sub (local.get $x) (i32.const 10))))
      (return (i32.const 100)))
      (return (i32.add (i32.const 100) (i32.const 1))))
      (return (i32.add (i32.const 100) (i32.add (i32.const 1) (i32.const 1)))))
    (i32.const 103))
  (func (export "switch_twin") (param $x i32) (result i32)
    (block $d (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $d (local.tee $x (i32.sub (local.get $x) (i32.const 10)))))
      (return (i32.const 100)))
      (return (i32.add (i32.const 100) (i32.const 1))))
      (return (i32.add (i32.const 100) (i32.add (i32.const 1) (i32.const 1)))))
    (i32.const 103))
  ;; with a value carried to the targets
  (func (export "switch_val") (param $x i32) (param $y i32) (result i32)
    (i32.add (block $o (result i32)
      (i32.mul (block $i (result i32)
        (br_table $i $o $i (local.get $y) (i32.sub (local.get $x) (local.get $y))))
        (i32.const 3)))
      (i32.const 1000)))
  ;; a counting loop: its back-edge is a plain br (I32Add_Br) without the sandbox (an
  ;; i32.or before the add, which does not pair with it)
  (func (export "count") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.or (local.get $s) (i32.mul (local.get $i) (i32.const 16))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.add (local.get $s) (local.get $i)))
  ;; its unfused twin, as many instructions: a sub of -1 does not fuse with the jump
  (func (export "count_sub") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.or (local.get $s) (i32.mul (local.get $i) (i32.const 16))))
      (local.set $i (i32.sub (local.get $i) (i32.const -1)))
      (br $l)))
    (i32.add (local.get $s) (local.get $i)))
  ;; switch's unfused twin, as many instructions: br_table on an add of -10
  (func (export "switch_add") (param $x i32) (result i32)
    (block $d (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $d (i32.add (local.get $x) (i32.const -10))))
      (return (i32.const 100)))
      (return (i32.add (i32.const 100) (i32.const 1))))
      (return (i32.add (i32.const 100) (i32.add (i32.const 1) (i32.const 1)))))
    (i32.const 103))
  ;; a forward br after an add: I32Add_Br in every configuration
  (func (export "fwd") (param $x i32) (result i32) (local $y i32)
    (block $b
      (if (local.get $x) (then (local.set $y (i32.add (local.get $x) (i32.const 5))) (br $b)))
      (local.set $y (i32.const 1)))
    (local.get $y))
  (func (export "fwd_sub") (param $x i32) (result i32) (local $y i32)
    (block $b
      (if (local.get $x) (then (local.set $y (i32.sub (local.get $x) (i32.const -5))) (br $b)))
      (local.set $y (i32.const 1)))
    (local.get $y))
  ;; a constant set into a local, then a forward br: Const_Br in every configuration
  (func (export "fwd_const") (param $x i32) (result i64) (local $y i64)
    (block $b
      (if (local.get $x) (then (local.set $y (i64.const 0x123456789abcdef0)) (br $b)))
      (local.set $y (i64.const 1)))
    (local.get $y))
  ;; ... and before a loop's back-edge (k = 7 after the first iteration): Const_Br, or
  ;; Const_Br_FB with fuel alone; its twin, as many instructions, sets k before the add
  (func (export "const_loop") (param $n i32) (result i32) (local $i i32) (local $k i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $k)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $k (i32.const 7))
      (br $l)))
    (i32.add (local.get $s) (i32.mul (local.get $k) (i32.const 1000))))
  (func (export "const_loop_add_last") (param $n i32) (result i32) (local $i i32) (local $k i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $k)))
      (local.set $k (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.add (local.get $s) (i32.mul (local.get $k) (i32.const 1000))))
  ;; the then arm's value copied, then its jump past the else arm: Copy_Br
  (func (export "pick") (param $c i32) (param $a i32) (param $b i32) (result i32)
    (if (result i32) (local.get $c) (then (local.get $a)) (else (local.get $b))))
  ;; two values carried by a br: Copy2_Br
  (func (export "pair_br") (param $a i32) (param $b i32) (result i32)
    (i32.sub (block (result i32 i32) (local.get $a) (local.get $b) (br 0))))
  ;; a br_if carrying one or two values: the moves and the jump after the test (Copy_Br,
  ;; with fuel Copy_Br_FB: the jump charges its target)
  (func (export "brif_val") (param $a i32) (param $c i32) (result i32)
    (block $b (result i32) (drop (br_if $b (local.get $a) (local.get $c))) (i32.const 7)))
  (func (export "brif_val2") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (block $l (result i32 i32) (br_if $l (local.get $a) (local.get $b) (local.get $c)))))
  ;; a shadow stack frame as clang makes it
  (global $sp (mut i32) (i32.const 4096))
  (global $g2 (mut i32) (i32.const 100))
  (func (export "frame") (param $n i32) (result i32) (local $fp i32)
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 32))))
    (i32.store (local.get $fp) (local.get $n))
    (local.set $n (i32.or (i32.load (local.get $fp)) (global.get $sp)))
    (global.set $sp (i32.add (local.get $fp) (i32.const 32)))
    (local.get $n))
  (func (export "sp") (result i32) (global.get $sp))
  ;; the frame's size not a constant: the slot forms (GlobalGet_I32Sub_GlobalSet, I32Add_GlobalSet)
  (func (export "frame_var") (param $n i32) (param $size i32) (result i32) (local $fp i32)
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (local.get $size))))
    (i32.store (local.get $fp) (local.get $n))
    (local.set $n (i32.or (i32.load (local.get $fp)) (global.get $sp)))
    (global.set $sp (i32.add (local.get $fp) (local.get $size)))
    (local.get $n))
  ;; the size in the instruction (GlobalGet_I32AddI_GlobalSet, I32AddI_GlobalSet), from
  ;; sp = $x: returns fp ^ rotl(sp after, 7); each "_t" twin tees the results into two
  ;; locals, which keeps both unfused (two instructions more)
  (func (export "fr1") (param $x i32) (result i32) (local $fp i32)
    (global.set $sp (local.get $x))
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 0x80000010))))
    (global.set $sp (i32.add (local.get $fp) (i32.const 0x7ffffff8)))
    (i32.xor (local.get $fp) (i32.rotl (global.get $sp) (i32.const 7))))
  (func (export "fr1_t") (param $x i32) (result i32) (local $fp i32) (local $t i32) (local $u i32)
    (global.set $sp (local.get $x))
    (global.set $sp (local.tee $t (local.tee $fp (i32.sub (global.get $sp) (i32.const 0x80000010)))))
    (global.set $sp (local.tee $t (local.tee $u (i32.add (local.get $fp) (i32.const 0x7ffffff8)))))
    (i32.xor (local.get $fp) (i32.rotl (global.get $sp) (i32.const 7))))
  (func (export "fr2") (param $x i32) (result i32) (local $fp i32)
    (global.set $sp (local.get $x))
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const -1))))
    (global.set $sp (i32.add (local.get $fp) (i32.const -1)))
    (i32.xor (local.get $fp) (i32.rotl (global.get $sp) (i32.const 7))))
  (func (export "fr2_t") (param $x i32) (result i32) (local $fp i32) (local $t i32) (local $u i32)
    (global.set $sp (local.get $x))
    (global.set $sp (local.tee $t (local.tee $fp (i32.sub (global.get $sp) (i32.const -1)))))
    (global.set $sp (local.tee $t (local.tee $u (i32.add (local.get $fp) (i32.const -1)))))
    (i32.xor (local.get $fp) (i32.rotl (global.get $sp) (i32.const 7))))
  ;; an add in the prologue, and the epilogue's add with the constant first (commuted)
  (func (export "fr3") (param $x i32) (result i32) (local $fp i32)
    (global.set $sp (local.get $x))
    (global.set $sp (local.tee $fp (i32.add (global.get $sp) (i32.const 48))))
    (global.set $sp (i32.add (i32.const 0x80000001) (local.get $fp)))
    (i32.xor (local.get $fp) (i32.rotl (global.get $sp) (i32.const 7))))
  (func (export "fr3_t") (param $x i32) (result i32) (local $fp i32) (local $t i32) (local $u i32)
    (global.set $sp (local.get $x))
    (global.set $sp (local.tee $t (local.tee $fp (i32.add (global.get $sp) (i32.const 48)))))
    (global.set $sp (local.tee $t (local.tee $u (i32.add (i32.const 0x80000001) (local.get $fp)))))
    (i32.xor (local.get $fp) (i32.rotl (global.get $sp) (i32.const 7))))
  (func (export "sub_set") (param $a i32) (param $b i32)
    (global.set $sp (i32.sub (local.get $a) (local.get $b))))
  (func (export "other_get") (param $b i32)
    (global.set $sp (i32.sub (global.get $g2) (local.get $b))))
;; <Load>_AddI: a load at a constant distance from a pointer (the constant in the
  ;; instruction); each "_t" twin tees the address, which blocks the fusion
  (func (export "ldi") (param $p i32) (result i32)
    (i32.load offset=4 (i32.add (local.get $p) (i32.const 8))))
  (func (export "ldi_t") (param $p i32) (result i32) (local $a i32)
    (i32.load offset=4 (local.tee $a (i32.add (local.get $p) (i32.const 8)))))
  ;; the constant first (commuted), a byte load
  (func (export "ldi8") (param $p i32) (result i32)
    (i32.load8_u (i32.add (i32.const 0x7fffffff) (local.get $p))))
  (func (export "ldi8_t") (param $p i32) (result i32) (local $a i32)
    (i32.load8_u (local.tee $a (i32.add (i32.const 0x7fffffff) (local.get $p)))))
  ;; a - c is the add of -c
  (func (export "ldi16") (param $p i32) (result i32)
    (i32.load16_u offset=1 (i32.sub (local.get $p) (i32.const 3))))
  (func (export "ldi16_t") (param $p i32) (result i32) (local $a i32)
    (i32.load16_u offset=1 (local.tee $a (i32.sub (local.get $p) (i32.const 3)))))
  (func (export "ldi64") (param $p i32) (result i64)
    (i64.load offset=2 (i32.add (local.get $p) (i32.const -16))))
  (func (export "ldi64_t") (param $p i32) (result i64) (local $a i32)
    (i64.load offset=2 (local.tee $a (i32.add (local.get $p) (i32.const -16)))))
  ;; a load with no _AddI form keeps <Load>_Add (the constant from the pool)
  (func (export "ldi8s") (param $p i32) (result i32)
    (i32.load8_s (i32.add (local.get $p) (i32.const 5))))
  (func (export "ldi8s_t") (param $p i32) (result i32) (local $a i32)
    (i32.load8_s (local.tee $a (i32.add (local.get $p) (i32.const 5)))))
  ;; the load right after the add reads another address: both kept, the add's result used
  (func (export "ldi_other") (param $p i32) (param $q i32) (result i32) (local $s i32)
    (i32.add (i32.add (local.get $p) (i32.const 8)) (i32.load (local.get $q))))
;; I32AndI_*: flag tests with the mask in the instruction; the "_t" twins tee the and's
  ;; result or compare it with 0, which blocks the fusion (the and stays I32And_I)
  (func (export "fa_brif") (param $x i32) (result i32)
    (block $b (br_if $b (i32.and (local.get $x) (i32.const 0x80000100))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "fa_brif_t") (param $x i32) (result i32)
    (block $b (br_if $b (i32.ne (i32.and (local.get $x) (i32.const 0x80000100)) (i32.const 0)))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "fa_brif_eqz") (param $x i32) (result i32)
    (block $b (br_if $b (i32.eqz (i32.and (i32.const 0x80000100) (local.get $x)))) (return (i32.const 1)))
    (i32.const 2))
  (func (export "fa_brif_eqz_t") (param $x i32) (result i32) (local $t i32)
    (block $b (br_if $b (local.tee $t (i32.eqz (i32.and (i32.const 0x80000100) (local.get $x)))))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "fa_if") (param $x i32) (result i32)
    (if (result i32) (i32.and (i32.const 0x80000100) (local.get $x)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "fa_if_t") (param $x i32) (result i32) (local $t i32)
    (if (result i32) (local.tee $t (i32.and (i32.const 0x80000100) (local.get $x)))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "fa_if_eqz") (param $x i32) (result i32)
    (if (result i32) (i32.eqz (i32.and (local.get $x) (i32.const 0x80000100)))
      (then (i32.const 1)) (else (i32.const 2))))
  (func (export "fa_if_eqz_t") (param $x i32) (result i32) (local $t i32)
    (if (result i32) (local.tee $t (i32.eqz (i32.and (local.get $x) (i32.const 0x80000100))))
      (then (i32.const 1)) (else (i32.const 2))))
  ;; the and's result tee'd, then tested: the fused op writes it to the local too
  (func (export "fa_d") (param $x i32) (result i32) (local $t i32)
    (block $b (br_if $b (i32.eqz (local.tee $t (i32.and (local.get $x) (i32.const 0x80000100)))))
      (return (i32.add (local.get $t) (i32.const 1))))
    (local.get $t))
  ;; in a loop: a back-edge (the sandbox _FB / _PB / _FPB variants); counts the x with
  ;; bit 0 set among x = n, n - 1, ..., 1
  (func (export "fa_loop") (param $n i32) (result i32) (local $c i32)
    (loop $l
      (if (i32.and (local.get $n) (i32.const 1)) (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.and (local.get $n) (i32.const -1))))
    (local.get $c))
  (func (export "sel") (param $a i32) (param $b i32) (param $c i32) (result i32)
    (select (local.get $a) (local.get $b) (local.get $c)))
  (func (export "sel64") (param $a f64) (param $b f64) (param $c i32) (result f64)
    (select (local.get $a) (local.get $b) (local.get $c)))
))";

struct Runner {
  Config cfg;
  Engine engine;
  Store store;
  Linker linker;
  std::shared_ptr<const Module> module;
  Instance* inst = nullptr;
  std::map<std::string, uint32_t> index;  // export name -> function index

  explicit Runner(const Config& c) : cfg(c), engine(config(c)), store(engine) {
    auto m = Module::compile(engine, test::wat2wasm(kModule));
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    if (!m.ok()) return;
    module = *m;
    auto r = linker.instantiate(store, module);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (r.ok()) inst = *r;
  }
  static EngineConfig config(const Config& c) {
    EngineConfig e;
    e.fuel_metering = c.fuel;
    e.deadline_checks = c.deadline;
    return e;
  }

  // Runs `name`; returns the trap message ("" when it returns) and the first result.
  std::string call(const std::string& name, const std::vector<Value>& args, Value* out = nullptr,
                   uint64_t* fuel_used = nullptr) {
    return test::call_export(store, inst, name, args, cfg.fuel, out, fuel_used);
  }
  uint32_t i32(const std::string& name, const std::vector<Value>& args) {
    Value v = Value::from_i64(0);
    EXPECT_EQ(call(name, args, &v), "") << name;
    return v.i32;
  }
  uint64_t i64(const std::string& name, const std::vector<Value>& args) {
    Value v = Value::from_i64(0);
    EXPECT_EQ(call(name, args, &v), "") << name;
    return v.i64;
  }

  const std::vector<uint32_t>& code(const std::string& name) {
    FuncInst* f = inst->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    uint32_t i = 0;
    while (inst->funcs[i] != f) ++i;
    return module->code(i).value()->code;
  }
};

using test::count_handler;
// An arithmetic + branch op in any of its forms (plain, _F, _FB, _PB, _FPB: consecutive).
int count_family(const std::vector<uint32_t>& code, IOp base) {
  int n = 0;
  for (uint32_t v = 0; v < 5; ++v) n += count_handler(code, static_cast<IOp>(static_cast<uint32_t>(base) + v));
  return n;
}

Value I(uint32_t v) { return Value::from_i32(v); }
Value L(uint64_t v) { return Value::from_i64(v); }
Value D(double v) { return Value::from_f64(v); }

TEST(InterpFusedMem, IndexedLoadsAreFusedAndWrapLikeThePair) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_handler(r.code("idx"), IOp::I32Load_Idx), 1);
    EXPECT_EQ(count_handler(r.code("idx_rev"), IOp::I32Load8S_Idx), 1);
    EXPECT_EQ(count_handler(r.code("idx64"), IOp::I64Load_Idx), 1);
    EXPECT_EQ(count_handler(r.code("idx_var"), IOp::I32Load_Idx), 0);
    EXPECT_EQ(count_handler(r.code("idx_tee"), IOp::I32Load_Idx), 0);
    EXPECT_EQ(count_handler(r.code("idx_shl_tee"), IOp::I32Load_Idx), 0);
    EXPECT_EQ(count_handler(r.code("idx_addr_tee"), IOp::I32Load_Idx), 0);

    EXPECT_EQ(r.i32("idx", {I(0), I(0)}), 0x08070605u);
    EXPECT_EQ(r.i32("idx", {I(4), I(1)}), 0x100f0e0du);
    // 0xfffffffc + (2 << 2) wraps to 4 (32-bit), then offset 4: bytes 8..11.
    EXPECT_EQ(r.i32("idx", {I(0xfffffffcu), I(2)}), 0x0c0b0a09u);
    // i << 2 drops the index's top bits: 0x40000001 << 2 == 4.
    EXPECT_EQ(r.i32("idx", {I(0), I(0x40000001u)}), 0x0c0b0a09u);
    // The offset is added without wrapping: 65532 + 4 is out of bounds.
    Value v;
    EXPECT_EQ(r.call("idx", {I(65528), I(1)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.call("idx", {I(65524), I(1)}, &v), "");
    EXPECT_EQ(r.call("idx", {I(0xfffffff8u), I(0)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.i32("idx_rev", {I(32), I(2)}), 0xfffffff0u);  // byte 0xf0 sign-extended
    EXPECT_EQ(r.i32("idx_rev", {I(1), I(1)}), 4u);
    EXPECT_EQ(r.call("idx_rev", {I(65535), I(1)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.i64("idx64", {I(0), I(1)}), 0x100f0e0d0c0b0a09u);
    EXPECT_EQ(r.call("idx64", {I(65528), I(1)}, &v), "out of bounds memory access");
    // Unfused neighbours keep their meaning.
    EXPECT_EQ(r.i32("idx_var", {I(0), I(1), I(3)}), 0x0c0b0a09u);
    EXPECT_EQ(r.i32("idx_var", {I(0), I(1), I(35)}), 0x0c0b0a09u);  // shift count mod 32
    EXPECT_EQ(r.i32("idx_tee", {I(0), I(1)}), 0x08070605u + 4u);
    EXPECT_EQ(r.i32("idx_shl_tee", {I(4), I(1)}), 0x100f0e0du);
  }
}

TEST(InterpFusedMem, IndexedLoadsWithTheAddressInALocalWriteTheLocalFirst) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_handler(r.code("idx_addr_tee"), IOp::I32Load_IdxTee), 1);
    EXPECT_EQ(count_handler(r.code("idx_tee_local"), IOp::I32Load_IdxTee), 1);
    EXPECT_EQ(count_handler(r.code("idx_walk"), IOp::I32Load8U_IdxTee), 1);
    EXPECT_EQ(count_handler(r.code("idx_into_index"), IOp::I32Load16U_IdxTee), 1);
    EXPECT_EQ(count_handler(r.code("idx_chase"), IOp::I32Load_IdxTee), 1);
    EXPECT_EQ(count_handler(r.code("idx64_tee"), IOp::I64Load_IdxTee), 1);
    EXPECT_EQ(count_handler(r.code("idx_addr_tee_twin"), IOp::I32Load_IdxTee), 0);
    EXPECT_EQ(count_handler(r.code("idx_shl_tee"), IOp::I32Load_IdxTee), 0);

    EXPECT_EQ(r.i32("idx_addr_tee", {I(4), I(1)}), 0x100f0e0du);
    // The local holds the wrapped 32-bit address; the offset is not part of it.
    EXPECT_EQ(r.i64("idx_tee_local", {I(4), I(1)}), 0x100f0e0d00000008u);
    EXPECT_EQ(r.i64("idx_tee_local", {I(0xfffffffcu), I(2)}), 0x0c0b0a0900000004u);
    Value v;
    EXPECT_EQ(r.call("idx_tee_local", {I(65528), I(1)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.call("idx_addr_tee", {I(0xfffffff8u), I(0)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.i32("idx_addr_tee", {I(65524), I(1)}), 0u);  // the last 4 bytes
    // p = p + (i << 1), then *p: the base is the local written.
    EXPECT_EQ(r.i64("idx_walk", {I(3), I(2)}), 0x0000000800000007u);
    EXPECT_EQ(r.call("idx_walk", {I(65534), I(1)}, &v), "out of bounds memory access");
    // i = b + (i << 1): the old i shifted, the new i the address.
    EXPECT_EQ(r.i64("idx_into_index", {I(2), I(3)}), 0x00000a0900000008u);
    // a = *(b + (i << 3)), the address written first and then the value over it.
    EXPECT_EQ(r.i64("idx_chase", {I(0), I(1)}), 0x0c0b0a09u);
    EXPECT_EQ(r.i64("idx_chase", {I(32), I(0)}), 8u);
    EXPECT_EQ(r.i64("idx64_tee", {I(0), I(1)}), 0x100f0e0d0c0b0a11u);
    EXPECT_EQ(r.call("idx64_tee", {I(65528), I(1)}, &v), "out of bounds memory access");
  }
}

TEST(InterpFusedMem, IndexedStoresAreFusedAndTrapWithoutWriting) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_handler(r.code("st_idx"), IOp::I32Store16_Idx), 1);
    EXPECT_EQ(count_handler(r.code("st_idx64"), IOp::I64Store_Idx), 1);
    EXPECT_EQ(r.call("st_idx", {I(100), I(3), I(0xabcd1234u)}), "");  // 100 + 6 + 2
    EXPECT_EQ(r.i32("get32", {I(108)}), 0x1234u);
    EXPECT_EQ(r.call("st_idx", {I(0xfffffffeu), I(1), I(0x5678)}), "");  // wraps to 0, + 2
    EXPECT_EQ(r.i32("get32", {I(0)}), 0x56780201u);
    EXPECT_EQ(r.call("st_idx", {I(65530), I(2), I(0x9999)}), "out of bounds memory access");
    EXPECT_EQ(r.call("st_idx", {I(65530), I(1), I(0x7777)}), "");  // 65534..65535
    EXPECT_EQ(r.i32("get32", {I(65532)}), 0x77770000u);
    EXPECT_EQ(r.call("st_idx64", {I(200), I(2), L(0x1122334455667788u)}), "");
    EXPECT_EQ(r.i64("get64", {I(216)}), 0x1122334455667788u);
    EXPECT_EQ(r.call("st_idx64", {I(65528), I(1), L(1)}), "out of bounds memory access");
    EXPECT_EQ(r.i64("get64", {I(65528)}), 0x7777000000000000u);  // nothing written
  }
}

TEST(InterpFusedMem, LoadsAtAConstantDistanceCarryTheConstant) {
  const std::pair<const char*, IOp> cases[] = {
      {"ldi", IOp::I32Load_AddI}, {"ldi8", IOp::I32Load8U_AddI},
      {"ldi16", IOp::I32Load16U_AddI}, {"ldi64", IOp::I64Load_AddI},
      {"ldi8s", IOp::I32Load8S_Add}};
  // Pointers around 0, the 32-bit wrap and the end of memory (65536 bytes).
  const uint32_t ps[] = {0u, 1u, 3u, 5u, 16u, 20u, 40u, 70u, 0x80000001u, 0x80000010u, 65520u,
                         65521u, 65526u, 65527u, 65530u, 65531u, 65535u, 65536u, 65542u,
                         65543u, 65546u, 65551u, 0xfffffff0u, 0xfffffff8u, 0xfffffffbu, 0xffffffffu};
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    for (int k = 0; k < 4; ++k) {  // data the loads can tell apart
      ASSERT_EQ(r.call("st_idx64", {I(0), I(static_cast<uint32_t>(k) + 8),
                                    L(0x0102030405060708u * static_cast<uint64_t>(k + 3))}), "");
      ASSERT_EQ(r.call("st_idx64", {I(65504), I(static_cast<uint32_t>(k)),
                                    L(0xf1e2d3c4b5a69788u + static_cast<uint64_t>(k))}), "");
    }
    for (const auto& [name, op] : cases) {
      const std::string twin = std::string(name) + "_t";
      EXPECT_EQ(count_handler(r.code(name), op), 1) << name;
      EXPECT_EQ(count_handler(r.code(twin), op), 0) << twin;
      for (uint32_t p : ps) {
        Value v = Value::from_i64(0), w = Value::from_i64(0);
        const std::string t1 = r.call(name, {I(p)}, &v), t2 = r.call(twin, {I(p)}, &w);
        EXPECT_EQ(t1, t2) << name << " p=" << p;
        EXPECT_EQ(v.i64, w.i64) << name << " p=" << p;
      }
    }
    EXPECT_EQ(count_handler(r.code("ldi_t"), IOp::I32Add_I), 1);
    // The fused op agrees with the twin on hand-checked values too.
    EXPECT_EQ(r.i32("ldi", {I(0xfffffff8u)}), 0x08070605u);  // wraps to 0, offset 4
    EXPECT_EQ(r.i32("ldi8", {I(0x80000002u)}), 2u);        // 0x7fffffff + p wraps to 1
    Value v;
    EXPECT_EQ(r.call("ldi", {I(65524)}, &v), "out of bounds memory access");  // 65536..
    EXPECT_EQ(r.call("ldi64", {I(65542)}, &v), "");  // 65528..65535
    EXPECT_EQ(v.i64, 0xf1e2d3c4b5a6978bu);
    EXPECT_EQ(r.call("ldi64", {I(65543)}, &v), "out of bounds memory access");
    // Another address after the add: no fusion, the sum still right.
    EXPECT_EQ(count_handler(r.code("ldi_other"), IOp::I32Load_AddI), 0);
    EXPECT_EQ(r.i32("ldi_other", {I(0xfffffffcu), I(4)}), 4u + 0x08070605u);
  }
}

TEST(InterpFusedMem, FlagTestsCarryTheirMask) {
  const std::pair<const char*, IOp> cases[] = {
      {"fa_brif", IOp::I32AndI_BrIf}, {"fa_brif_eqz", IOp::I32AndI_I32Eqz},
      {"fa_if", IOp::I32AndI_I32Eqz}, {"fa_if_eqz", IOp::I32AndI_BrIf}};
  const uint32_t xs[] = {0u, 1u, 0x100u, 0xffu, 0x80000000u, 0x7fffffffu, 0x7ffffeffu,
                         0x80000100u, 0xfffffeffu, 0xffffffffu};
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    for (const auto& [name, op] : cases) {
      const std::string twin = std::string(name) + "_t";
      EXPECT_EQ(count_family(r.code(name), op), 1) << name;
      EXPECT_EQ(count_handler(r.code(name), IOp::I32And_I), 0) << name;
      EXPECT_EQ(count_family(r.code(twin), IOp::I32AndI_BrIf) +
                count_family(r.code(twin), IOp::I32AndI_I32Eqz), 0) << twin;
      EXPECT_EQ(count_handler(r.code(twin), IOp::I32And_I), 1) << twin;
      for (uint32_t x : xs) {
        const uint32_t want = std::string(name).find("eqz") == std::string::npos
                                  ? ((x & 0x80000100u) != 0 ? 2u : 1u)
                                  : ((x & 0x80000100u) == 0 ? 2u : 1u);
        const uint32_t want_if = (want == 1u ? 2u : 1u);  // `if` takes the then arm (1)
        const bool is_if = std::string(name).rfind("fa_if", 0) == 0;
        EXPECT_EQ(r.i32(name, {I(x)}), is_if ? want_if : want) << name << " x=" << x;
        EXPECT_EQ(r.i32(name, {I(x)}), r.i32(twin, {I(x)})) << name << " x=" << x;
      }
    }
    EXPECT_EQ(count_family(r.code("fa_d"), IOp::I32AndI_I32Eqz), 1);
    for (uint32_t x : xs) {
      const uint32_t t = x & 0x80000100u;
      EXPECT_EQ(r.i32("fa_d", {I(x)}), t == 0 ? 0u : t + 1) << "x=" << x;
    }
    EXPECT_EQ(count_family(r.code("fa_loop"), IOp::I32AndI_I32Eqz), 1);
    EXPECT_EQ(count_family(r.code("fa_loop"), IOp::I32AndI_BrIf), 1);
    EXPECT_EQ(r.i32("fa_loop", {I(1)}), 1u);
    EXPECT_EQ(r.i32("fa_loop", {I(10)}), 5u);
    EXPECT_EQ(r.i32("fa_loop", {I(1001)}), 501u);
  }
}

TEST(InterpFusedMem, LoadPairsRunInOrder) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_handler(r.code("two"), IOp::LdPair_I32Load_I32Load8U), 1);
    EXPECT_EQ(count_handler(r.code("chase"), IOp::LdPair_I32Load_I32Load), 1);
    EXPECT_EQ(count_handler(r.code("two_alias"), IOp::LdPair_I32Load8U_I32Load8U), 1);
    // The second load feeds an add: I32Add_Ld as before, and the first load is plain.
    EXPECT_EQ(count_handler(r.code("sum2"), IOp::LdPair_I32Load_I32Load), 0);
    EXPECT_EQ(count_handler(r.code("sum2"), IOp::I32Add_Ld), 1);
    EXPECT_EQ(count_handler(r.code("sum2"), iop(Op::I32Load)), 1);

    EXPECT_EQ(r.i32("two", {I(0), I(4)}), 0x04030201u - 6u);
    Value v;
    EXPECT_EQ(r.call("two", {I(65533), I(0)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.call("two", {I(0), I(65535)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.i32("chase", {I(32)}), 0x100f0e0du);  // *(32) = 8, then *(8 + 4)
    EXPECT_EQ(r.call("chase", {I(36)}, &v), "out of bounds memory access");  // *(36) + 4 > 4 GiB
    EXPECT_EQ(r.call("chase", {I(65534)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.i32("two_alias", {I(1)}), 0x0204u);  // bytes 1 and 3
    EXPECT_EQ(r.i32("sum2", {I(0), I(4)}), 0x04030201u + 0x08070605u);
    EXPECT_EQ(count_handler(r.code("two16"), IOp::LdPair_I32Load16U_I32Load16U), 1);
    EXPECT_EQ(count_handler(r.code("ld_ld64"), IOp::LdPair_I32Load_I64Load32U), 1);
    EXPECT_EQ(r.i32("two16", {I(0)}), 0x0201u - 0x0403u);
    EXPECT_EQ(r.call("two16", {I(65533)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.i64("ld_ld64", {I(32)}), 8u + 0x100f0e0du);  // upper half zero
    EXPECT_EQ(r.i64("ld_ld64", {I(40)}), 0x81u);  // *(40) = 0x81, *(0x85) = 0
  }
}

TEST(InterpFusedMem, ALoadFeedingACommutingOpsFirstOperandIsFused) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_handler(r.code("ld_a_add"), IOp::I32Add_Ld), 1);
    EXPECT_EQ(count_handler(r.code("ld_a_mul"), IOp::I32Mul_Ld), 1);
    EXPECT_EQ(count_handler(r.code("ld_a_sub"), IOp::I32Sub_Ld), 0);
    EXPECT_EQ(count_handler(r.code("ld_a_f64"), IOp::F64Add_Ld), 0);
    EXPECT_EQ(count_handler(r.code("ld_dropped"), IOp::I32Add_Ld), 0);

    EXPECT_EQ(r.i32("ld_a_add", {I(0), I(5)}), 0x04030201u + 5u);
    EXPECT_EQ(r.i32("ld_a_mul", {I(0), I(3)}), 0x08070605u * 3u);
    EXPECT_EQ(r.i32("ld_a_sub", {I(0), I(1)}), 0x04030200u);
    EXPECT_EQ(r.i32("ld_dropped", {I(0), I(7)}), 56u);
    Value v;
    EXPECT_EQ(r.call("ld_a_add", {I(65533), I(1)}, &v), "out of bounds memory access");
    EXPECT_EQ(r.call("ld_a_mul", {I(65529), I(1)}, &v), "out of bounds memory access");
  }
}

TEST(InterpFusedMem, FlagTestsAndIfsOnArithmetic) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_family(r.code("and_brif"), IOp::I32And_BrIf), 1);
    EXPECT_EQ(count_family(r.code("and_brif_eqz"), IOp::I32And_I32Eqz), 1);
    EXPECT_EQ(count_family(r.code("and_if"), IOp::I32And_I32Eqz), 1);
    EXPECT_EQ(count_family(r.code("and_if_twin"), IOp::I32And_I32Eqz), 0);
    EXPECT_EQ(count_family(r.code("and_if_eqz"), IOp::I32And_BrIf), 1);
    EXPECT_EQ(count_family(r.code("add_if_lt"), IOp::I32Add_I32GeS), 1);
    EXPECT_EQ(count_family(r.code("add_if_mirror"), IOp::I32Add_I32GeU), 1);
    EXPECT_EQ(count_family(r.code("sub_if"), IOp::I32Sub_I32Eqz), 1);
    EXPECT_EQ(count_family(r.code("sub_if_tee"), IOp::I32Sub_I32Ne), 1);
    EXPECT_EQ(count_family(r.code("add64_if"), IOp::I64Add_I64Eq), 1);

    for (uint32_t x : {0u, 1u, 4u, 5u, 0x80000000u}) {
      for (uint32_t m : {0u, 4u, 0xffffffffu}) {
        const bool set = (x & m) != 0;
        EXPECT_EQ(r.i32("and_brif", {I(x), I(m)}), set ? 2u : 1u) << x << " " << m;
        EXPECT_EQ(r.i32("and_brif_eqz", {I(x), I(m)}), set ? 1u : 2u);
        EXPECT_EQ(r.i32("and_if", {I(x), I(m)}), set ? 1u : 2u);
        EXPECT_EQ(r.i32("and_if_twin", {I(x), I(m)}), set ? 1u : 2u);
        EXPECT_EQ(r.i32("and_if_eqz", {I(x), I(m)}), set ? 2u : 1u);
        EXPECT_EQ(r.i32("sub_if", {I(x), I(m)}), x != m ? 1u : 2u);
      }
    }
    const uint32_t big = 0x7fffffffu;
    EXPECT_EQ(r.i32("add_if_lt", {I(1), I(2), I(4)}), 1u);
    EXPECT_EQ(r.i32("add_if_lt", {I(1), I(3), I(4)}), 2u);
    EXPECT_EQ(r.i32("add_if_lt", {I(big), I(1), I(0)}), 1u);  // wraps to INT32_MIN < 0
    EXPECT_EQ(r.i32("add_if_mirror", {I(1), I(2), I(4)}), 1u);
    EXPECT_EQ(r.i32("add_if_mirror", {I(2), I(2), I(4)}), 2u);
    EXPECT_EQ(r.i32("add_if_mirror", {I(0xffffffffu), I(2), I(4)}), 1u);  // 1 < 4 unsigned
    // a - b is compared with the tee'd a itself: always equal.
    EXPECT_EQ(r.i32("sub_if_tee", {I(10), I(3)}), 7u);
    EXPECT_EQ(r.i32("add64_if", {L(1), L(2), L(3)}), 2u);
    EXPECT_EQ(r.i32("add64_if", {L(0xffffffffu), L(1), L(0)}), 1u);  // no 32-bit wrap
    EXPECT_EQ(r.i32("add64_if", {L(0xffffffffffffffffu), L(1), L(0)}), 2u);
  }
}

TEST(InterpFusedMem, BrTableOnADifference) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    // With fuel every entry charges its target (I32Sub_BrTable_F, BrTable_F unfused).
    const IOp fused = c.fuel ? IOp::I32Sub_BrTable_F : IOp::I32Sub_BrTable;
    const IOp other = c.fuel ? IOp::I32Sub_BrTable : IOp::I32Sub_BrTable_F;
    EXPECT_EQ(count_handler(r.code("switch"), fused), 1);
    EXPECT_EQ(count_handler(r.code("switch_val"), fused), 1);
    for (const char* f : {"switch", "switch_val", "switch_twin", "switch_add"}) {
      EXPECT_EQ(count_handler(r.code(f), other), 0) << f;
    }
    for (const char* f : {"switch_twin", "switch_add"}) {
      EXPECT_EQ(count_handler(r.code(f), fused), 0) << f;
    }
    const std::pair<uint32_t, uint32_t> cases[] = {{10, 100}, {11, 101}, {12, 102}, {13, 103},
                                                   {9, 103},  {0, 103},  {0xffffffffu, 103}};
    for (auto [x, want] : cases) {
      EXPECT_EQ(r.i32("switch", {I(x)}), want) << x;
      EXPECT_EQ(r.i32("switch_twin", {I(x)}), want) << x;
      EXPECT_EQ(r.i32("switch_add", {I(x)}), want) << x;
    }
    // x - y == 0 or 2: to $i (y * 3 + 1000); 1: to $o (y + 1000); else (default $i).
    EXPECT_EQ(r.i32("switch_val", {I(5), I(5)}), 1015u);
    EXPECT_EQ(r.i32("switch_val", {I(6), I(5)}), 1005u);
    EXPECT_EQ(r.i32("switch_val", {I(7), I(5)}), 1015u);
    EXPECT_EQ(r.i32("switch_val", {I(4), I(5)}), 1015u);
  }
}

TEST(InterpFusedMem, JumpsFusedWithTheAddOrCopiesBefore) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    // The loop's back-edge: a plain br without the sandbox (I32Add_Br), Br_FB with fuel
    // alone (I32Add_Br_FB); with deadline checks it polls (Br_PB / Br_FPB, unfused: the
    // loop has no memory access that would poll instead).
    EXPECT_EQ(count_handler(r.code("count"), IOp::I32Add_Br), c.fuel || c.deadline ? 0 : 1);
    EXPECT_EQ(count_handler(r.code("count"), IOp::I32Add_Br_FB), c.fuel && !c.deadline ? 1 : 0);
    for (const char* f : {"count_sub", "fwd_sub"}) {
      EXPECT_EQ(count_handler(r.code(f), IOp::I32Add_Br) + count_handler(r.code(f), IOp::I32Add_Br_FB), 0) << f;
    }
    // A forward br that ends its block charges nothing with fuel (its target is paid with
    // the block: a merged br), so it fuses in every configuration.
    EXPECT_EQ(count_handler(r.code("fwd"), IOp::I32Add_Br), 1);
    EXPECT_EQ(count_handler(r.code("pick"), IOp::Copy_Br), 1);
    EXPECT_EQ(count_handler(r.code("fwd_const"), IOp::Const_Br), 1);
    EXPECT_EQ(r.i64("fwd_const", {I(1)}), 0x123456789abcdef0u);
    EXPECT_EQ(r.i64("fwd_const", {I(0)}), 1u);
    EXPECT_EQ(count_handler(r.code("const_loop"), IOp::Const_Br), c.fuel || c.deadline ? 0 : 1);
    EXPECT_EQ(count_handler(r.code("const_loop"), IOp::Const_Br_FB), c.fuel && !c.deadline ? 1 : 0);
    EXPECT_EQ(r.i32("const_loop", {I(0)}), 0u);
    EXPECT_EQ(r.i32("const_loop", {I(1)}), 7000u);
    EXPECT_EQ(r.i32("const_loop", {I(3)}), 7014u);
    EXPECT_EQ(count_handler(r.code("pair_br"), IOp::Copy2_Br), 1);
    // A br_if's moves and jump: the jump charges its target with fuel.
    EXPECT_EQ(count_handler(r.code("brif_val"), c.fuel ? IOp::Copy_Br_FB : IOp::Copy_Br), 1);
    EXPECT_EQ(count_handler(r.code("brif_val"), c.fuel ? IOp::Copy_Br : IOp::Copy_Br_FB), 0);
    EXPECT_EQ(count_handler(r.code("brif_val2"), c.fuel ? IOp::Copy2_Br_FB : IOp::Copy2_Br), 1);
    EXPECT_EQ(count_handler(r.code("brif_val2"), c.fuel ? IOp::Copy2_Br : IOp::Copy2_Br_FB), 0);
    EXPECT_EQ(r.i32("brif_val", {I(5), I(1)}), 5u);
    EXPECT_EQ(r.i32("brif_val", {I(5), I(0)}), 7u);
    EXPECT_EQ(r.i32("brif_val2", {I(9), I(4), I(1)}), 5u);
    EXPECT_EQ(r.i32("brif_val2", {I(9), I(4), I(0)}), 5u);
    for (uint32_t n : {0u, 1u, 7u}) {
      uint32_t s = 0;
      for (uint32_t i = 0; i < n; ++i) s |= i * 16;
      EXPECT_EQ(r.i32("count", {I(n)}), s + n) << n;
      EXPECT_EQ(r.i32("count_sub", {I(n)}), s + n) << n;
    }
    EXPECT_EQ(r.i32("fwd", {I(0)}), 1u);
    EXPECT_EQ(r.i32("fwd", {I(3)}), 8u);
    EXPECT_EQ(r.i32("fwd_sub", {I(0)}), 1u);
    EXPECT_EQ(r.i32("fwd_sub", {I(3)}), 8u);
    EXPECT_EQ(r.i32("pick", {I(1), I(10), I(20)}), 10u);
    EXPECT_EQ(r.i32("pick", {I(0), I(10), I(20)}), 20u);
    EXPECT_EQ(r.i32("pair_br", {I(10), I(3)}), 7u);
  }
}

TEST(InterpFusedMem, StackPointerAdjustments) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(count_handler(r.code("frame"), IOp::GlobalGet_I32AddI_GlobalSet), 1);
    EXPECT_EQ(count_handler(r.code("frame"), IOp::I32AddI_GlobalSet), 1);
    EXPECT_EQ(count_handler(r.code("frame_var"), IOp::GlobalGet_I32Sub_GlobalSet), 1);
    EXPECT_EQ(count_handler(r.code("frame_var"), IOp::I32Add_GlobalSet), 1);
    EXPECT_EQ(count_handler(r.code("sub_set"), IOp::I32Sub_GlobalSet), 1);
    EXPECT_EQ(count_handler(r.code("other_get"), IOp::I32Sub_GlobalSet), 1);
    EXPECT_EQ(count_handler(r.code("other_get"), IOp::GlobalGet_I32Sub_GlobalSet), 0);
    // fp = 4096 - 32; *fp = n; n = *fp | sp (= fp; no common bits); sp = fp + 32.
    // (An or, not an add: two adds in a row would pair up instead.)
    EXPECT_EQ(r.i32("frame", {I(5)}), 5u + 4064u);
    EXPECT_EQ(r.i32("sp", {}), 4096u);
    EXPECT_EQ(r.call("sub_set", {I(10), I(13)}), "");
    EXPECT_EQ(r.i32("sp", {}), 0xfffffffdu);
    EXPECT_EQ(r.call("other_get", {I(30)}), "");
    EXPECT_EQ(r.i32("sp", {}), 70u);
    EXPECT_EQ(r.call("sub_set", {I(4096), I(0)}), "");
    EXPECT_EQ(r.i32("frame", {I(7)}), 7u + 4064u);
    EXPECT_EQ(r.i32("sp", {}), 4096u);
    EXPECT_EQ(r.i32("frame_var", {I(9), I(32)}), 9u + 4064u);
    EXPECT_EQ(r.i32("sp", {}), 4096u);
  }
}

// The frame size carried in the instruction: against the twins the fusion does not
// touch and against the arithmetic, with sp and sizes around the 32-bit wrap; fuel
// exactly the twin's minus its three extra instructions (local.tee).
TEST(InterpFusedMem, StackPointerAdjustmentsCarryTheFrameSize) {
  struct Case {
    const char* fused;
    const char* twin;
    uint32_t sub, add;  // fp = x - sub, sp = fp + add
  };
  const Case cases[] = {
      {"fr1", "fr1_t", 0x80000010u, 0x7ffffff8u},
      {"fr2", "fr2_t", 0xffffffffu, 0xffffffffu},
      {"fr3", "fr3_t", 0u - 48u, 0u - 0x7fffffffu},
  };
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    for (const Case& k : cases) {
      EXPECT_EQ(count_handler(r.code(k.fused), IOp::GlobalGet_I32AddI_GlobalSet), 1) << k.fused;
      EXPECT_EQ(count_handler(r.code(k.fused), IOp::I32AddI_GlobalSet), 1) << k.fused;
      for (IOp op : {IOp::GlobalGet_I32AddI_GlobalSet, IOp::I32AddI_GlobalSet,
                     IOp::GlobalGet_I32Sub_GlobalSet, IOp::I32Add_GlobalSet, IOp::I32Sub_GlobalSet}) {
        EXPECT_EQ(count_handler(r.code(k.twin), op), 0) << k.twin;
      }
      for (uint32_t x : {0u, 5u, 4096u, 0x7fffffffu, 0x80000000u, 0xfffffff0u, 0xffffffffu}) {
        const uint32_t fp = x - k.sub, sp = fp + k.add;
        const uint32_t want = fp ^ ((sp << 7) | (sp >> 25));
        uint64_t fuel_f = 0, fuel_t = 0;
        Value a = I(0), b = I(0);
        EXPECT_EQ(r.call(k.fused, {I(x)}, &a, &fuel_f), "") << k.fused;
        EXPECT_EQ(a.i32, want) << k.fused << " " << x;
        EXPECT_EQ(r.i32("sp", {}), sp) << k.fused << " " << x;
        EXPECT_EQ(r.call(k.twin, {I(x)}, &b, &fuel_t), "") << k.twin;
        EXPECT_EQ(b.i32, want) << k.twin << " " << x;
        EXPECT_EQ(r.i32("sp", {}), sp) << k.twin << " " << x;
        if (c.fuel) {
          EXPECT_EQ(fuel_f + 3, fuel_t) << k.fused << " " << x;
        }
      }
    }
  }
}

TEST(InterpFusedMem, SelectPicksByTheCondition) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    EXPECT_EQ(r.i32("sel", {I(1), I(2), I(1)}), 1u);
    EXPECT_EQ(r.i32("sel", {I(1), I(2), I(0)}), 2u);
    EXPECT_EQ(r.i32("sel", {I(1), I(2), I(0x80000000u)}), 1u);
    Value v;
    EXPECT_EQ(r.call("sel64", {D(1.5), D(-2.5), I(0)}, &v), "");
    EXPECT_EQ(v.f64, -2.5);
    EXPECT_EQ(r.call("sel64", {D(1.5), D(-2.5), I(7)}, &v), "");
    EXPECT_EQ(v.f64, 1.5);
  }
}

// Fusion moves no fuel charge: each fused function costs one unit less than its twin
// (the same code with one local.tee more, which keeps it unfused), on every path.
TEST(InterpFusedMem, FusedFormsCostTheirWasmInstructions) {
  for (const Config& c : {kConfigs[1], kConfigs[3]}) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    struct Twin {
      const char* fused;
      const char* twin;
      std::vector<std::vector<Value>> args;
    };
    const Twin twins[] = {
        {"idx", "idx_shl_tee", {{I(0), I(1)}, {I(65528), I(1)}}},
        {"idx_addr_tee", "idx_addr_tee_twin", {{I(0), I(1)}, {I(65528), I(1)}}},
        {"and_if", "and_if_twin", {{I(1), I(1)}, {I(1), I(2)}}},
        {"and_if_eqz", "and_if_eqz_twin", {{I(1), I(1)}, {I(1), I(2)}}},
        {"add_if_lt", "add_if_lt_twin", {{I(1), I(1), I(5)}, {I(1), I(9), I(5)}}},
        {"switch", "switch_twin", {{I(10)}, {I(11)}, {I(12)}, {I(40)}}},
    };
    for (const Twin& t : twins) {
      EXPECT_EQ(count_handler(r.code(t.twin), IOp::I32Load_Idx) +
                    count_handler(r.code(t.twin), IOp::I32Load_IdxTee) +
                    count_family(r.code(t.twin), IOp::I32And_I32Eqz) +
                    count_family(r.code(t.twin), IOp::I32And_BrIf) +
                    count_family(r.code(t.twin), IOp::I32Add_I32GeS) +
                    count_handler(r.code(t.twin), IOp::I32Sub_BrTable),
                0)
          << t.twin;
      for (const auto& args : t.args) {
        uint64_t fused = 0, twin = 0;
        Value a, b;
        const std::string ea = r.call(t.fused, args, &a, &fused);
        const std::string eb = r.call(t.twin, args, &b, &twin);
        EXPECT_EQ(ea, eb) << t.fused;
        EXPECT_EQ(a.bits, b.bits) << t.fused;
        EXPECT_EQ(fused + 1, twin) << t.fused;
      }
    }
  }
}

// The jumps fused with fuel on (I32Sub_BrTable_F, I32Add_Br_FB, Const_Br_FB, and the
// merged brs' I32Add_Br / Copy_Br / Copy2_Br / Const_Br) charge exactly what their twins
// (as many wasm instructions, unfused, or for const_loop fused with the add instead)
// charge: with every fuel amount from 0 to past the total, the same trap or result and
// the same fuel left. Totals by hand for the loop: entry {block, loop} 2;
// header {get, get, ge_u, br_if} 4 per test (n + 1); body {get, get, const, mul, or, set,
// get, const, add|sub, set, br} 11 per iteration (n); exit {get, get, add, end} 4.
TEST(InterpFusedMem, FusedJumpsChargeLikeTheirTwins) {
  for (const Config& c : {kConfigs[1], kConfigs[3]}) {
    SCOPED_TRACE(c.name);
    Runner r(c);
    ASSERT_NE(r.inst, nullptr);
    auto run = [&](const char* f, const std::vector<Value>& args, uint64_t fuel) {
      EXPECT_TRUE(r.store.set_fuel(fuel).ok());
      FuncInst* fn = r.inst->get_func(f);
      std::vector<Value> res(1, Value::from_i64(0));
      const Trap t = r.store.call(fn, args, res);
      return std::make_tuple(t.ok() ? std::string() : t.message(), r.store.fuel_remaining(), res[0].bits);
    };
    for (uint32_t n : {0u, 1u, 3u}) {
      const uint64_t total = 2 + 4 * (uint64_t{n} + 1) + 11 * uint64_t{n} + 4;
      uint32_t s = 0;
      for (uint32_t i = 0; i < n; ++i) s |= i * 16;
      for (const char* f : {"count", "count_sub"}) {
        EXPECT_EQ(run(f, {I(n)}, total), std::make_tuple(std::string(), uint64_t{0}, uint64_t{s + n})) << f << " " << n;
        // One short: the exit block (4) cannot be paid with 3 left.
        EXPECT_EQ(run(f, {I(n)}, total - 1), std::make_tuple(std::string("fuel exhausted"), uint64_t{3}, uint64_t{0}))
            << f << " " << n;
      }
    }
    struct Twin {
      const char* fused;
      const char* twin;
      std::vector<std::vector<Value>> args;
    };
    const Twin twins[] = {
        {"count", "count_sub", {{I(0)}, {I(1)}, {I(4)}}},
        {"switch", "switch_add", {{I(10)}, {I(11)}, {I(12)}, {I(13)}, {I(0)}}},
        {"fwd", "fwd_sub", {{I(0)}, {I(3)}}},
        {"const_loop", "const_loop_add_last", {{I(0)}, {I(1)}, {I(3)}}},
    };
    for (const Twin& t : twins) {
      for (const auto& args : t.args) {
        const uint64_t total = 1000 - std::get<1>(run(t.twin, args, 1000));
        int failures = 0;
        for (uint64_t fuel = 0; fuel <= total + 2; ++fuel) {
          const auto a = run(t.fused, args, fuel);
          const auto b = run(t.twin, args, fuel);
          const bool ok = a == b && (fuel >= total ? std::get<0>(a).empty() : std::get<0>(a) == "fuel exhausted");
          if (!ok && failures++ < 3) {
            ADD_FAILURE() << t.fused << " vs " << t.twin << " fuel " << fuel << " (total " << total << "): {"
                          << std::get<0>(a) << ", left " << std::get<1>(a) << "} vs {" << std::get<0>(b)
                          << ", left " << std::get<1>(b) << "}";
          }
        }
      }
    }
    // Copy_Br has no twin of as many instructions: pick's total by hand. {get, if} 2, then
    // the then arm {get, else} 2, whose jump past the else arm is merged (charges
    // nothing), or the else arm {get, end} 2; the function's end 1.
    // brif_val: entry {block, get, get, br_if} 4; taken: the label's block {end} 1, charged
    // by Copy_Br_FB; not taken: {drop, const, end} 3 and the label's block it falls into.
    // brif_val2: entry {block, get, get, get, br_if} 5; the label's block {sub, end} 2;
    // not taken: {end} 1 falling into it.
    struct Total {
      const char* f;
      std::vector<Value> args;
      uint64_t total, value;
    };
    const Total totals[] = {
        {"brif_val", {I(5), I(1)}, 5, 5},
        {"brif_val", {I(5), I(0)}, 8, 7},
        {"brif_val2", {I(9), I(4), I(1)}, 7, 5},
        {"brif_val2", {I(9), I(4), I(0)}, 8, 5},
    };
    for (const Total& t : totals) {
      for (uint64_t fuel = 0; fuel <= t.total + 1; ++fuel) {
        const auto got = run(t.f, t.args, fuel);
        if (fuel >= t.total) {
          EXPECT_EQ(got, std::make_tuple(std::string(), fuel - t.total, t.value)) << t.f << " fuel " << fuel;
        } else {
          EXPECT_EQ(std::get<0>(got), "fuel exhausted") << t.f << " fuel " << fuel;
        }
      }
    }
    for (uint32_t cond : {0u, 1u}) {
      const uint64_t total = 1000 - std::get<1>(run("pick", {I(cond), I(10), I(20)}, 1000));
      EXPECT_EQ(total, 5u) << cond;
      EXPECT_EQ(run("pick", {I(cond), I(10), I(20)}, total), std::make_tuple(std::string(), uint64_t{0}, uint64_t{cond ? 10u : 20u}));
      EXPECT_EQ(std::get<0>(run("pick", {I(cond), I(10), I(20)}, total - 1)), "fuel exhausted");
    }
  }
}

}  // namespace
}  // namespace midimon::wasm
