// jit_flow::block_costs on hand-written bodies: where each charge goes, checked slot by
// slot (the machine-code tests in jit_test.cpp check the totals against the interpreter;
// these check that a charge is where the placement rules put it, so that losing a rule
// fails here even when the totals stay right).
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "wasm/jit_flow.h"

namespace midimon::wasm {
namespace {

Instr op(Op o, uint32_t index = 0) {
  Instr in;
  in.op = o;
  in.index = index;
  return in;
}

// A join after a block that a br_if leaves for the function's end, reached by a `br`
// from an if's then arm and by falling in: paid on those two edges, not by a charge of
// its own. The units both arms then start with go before the if.
TEST(JitFlow, JoinReachedOnlyByUnconditionalEdgesIsPaidOnThem) {
  const std::vector<Instr> body = {
      op(Op::Block),        // 0  slot 0: 0..2
      op(Op::LocalGet),     // 1
      op(Op::BrIf, 1),      // 2  to the function's end: the block leaks
      op(Op::LocalGet),     // 3  slot 3: 3..4
      op(Op::If),           // 4
      op(Op::Br, 1),        // 5  slot 5 (then arm): to the block's end
      op(Op::End),          // 6
      op(Op::Nop),          // 7  slot 7 (in effect the else arm): 7..8
      op(Op::End),          // 8  the block's end, falling in
      op(Op::Nop),          // 9  the join: 9..11
      op(Op::Nop),          // 10
      op(Op::End),          // 11
  };
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body));
  ASSERT_EQ(cost.size(), body.size() + 1);
  EXPECT_EQ(cost[9], 0u);  // the join: no charge
  // The join's 3 units went to both edges (slot 5: 1 + 3, slot 7: 2 + 3), then the 4
  // units both arms start with went before the if.
  EXPECT_EQ(cost[0], 3u);
  EXPECT_EQ(cost[3], 2u + 4u);
  EXPECT_EQ(cost[5], 0u);
  EXPECT_EQ(cost[7], 1u);
  // Every path pays what it runs: the br_if taken 3; the then arm 3 + 6 + 0 = 9
  // (instructions 0-5 and 9-11); the else arm 3 + 6 + 1 = 10 (0-4 and 7-11).
}

// The same join reached by a br_if too keeps its own charge: paying it before the
// br_if would charge the path that falls through (or before the target, the path that
// does not branch).
TEST(JitFlow, JoinReachedByABrIfKeepsItsCharge) {
  const std::vector<Instr> body = {
      op(Op::Block),     // 0
      op(Op::LocalGet),  // 1
      op(Op::BrIf, 1),   // 2  to the function's end: the block leaks
      op(Op::LocalGet),  // 3
      op(Op::BrIf, 0),   // 4  to the block's end: a conditional edge into the join
      op(Op::Nop),       // 5
      op(Op::End),       // 6
      op(Op::Nop),       // 7  the join: 7..8
      op(Op::End),       // 8
  };
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body));
  EXPECT_EQ(cost[7], 2u);
  EXPECT_EQ(cost[5], 2u);
}

// Joins whose edges leave from another join's slot: the later one is paid into the
// earlier one's slot first, and that one into its own edges, so neither charges.
TEST(JitFlow, NestedJoinsArePaidOnTheEdgesOfTheOuterOne) {
  const std::vector<Instr> body = {
      op(Op::Block),     // 0  $a
      op(Op::Block),     // 1  $b
      op(Op::LocalGet),  // 2
      op(Op::BrIf, 2),   // 3  to the function's end: both leak
      op(Op::LocalGet),  // 4  slot 4
      op(Op::If),        // 5
      op(Op::Br, 1),     // 6  slot 6: to $b's end
      op(Op::End),       // 7
      op(Op::End),       // 8  slot 8: $b's end, falling in
      op(Op::Nop),       // 9  $b's join: slot 9
      op(Op::Br, 0),     // 10 to $a's end (its only edge: the rest is dead)
      op(Op::End),       // 11 $a's end
      op(Op::Nop),       // 12 $a's join: 12..13
      op(Op::End),       // 13
  };
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body));
  EXPECT_EQ(cost[12], 0u);
  EXPECT_EQ(cost[9], 0u);
  // $a's join (2) went to slot 9 (2 + 2 = 4), which went to slots 6 (1 + 4) and 8
  // (1 + 4); both arms then start with 5, paid before the if.
  EXPECT_EQ(cost[4], 2u + 5u);
  EXPECT_EQ(cost[6], 0u);
  EXPECT_EQ(cost[8], 0u);
  EXPECT_EQ(cost[0], 4u);
}


// A loop whose back-edge leaves from a charge of its own (after the br_if that leaves
// it) checks there; one whose back-edge is a br_if from its header's charge checks on
// that br_if's taken edge; one no branch goes back to cannot go round and checks
// nowhere.
TEST(JitFlow, LoopsCheckOnTheWayRoundWhereTheirBackEdgesHaveCharges) {
  const std::vector<Instr> body = {
      op(Op::Block),      // 0
      op(Op::Loop),       // 1  header slot 2: 2..3
      op(Op::LocalGet),   // 2
      op(Op::BrIf, 1),    // 3  leaves: a turn that ends here checks nothing
      op(Op::Nop),        // 4  slot 4: 4..5
      op(Op::Br, 0),      // 5  the back-edge, from slot 4
      op(Op::End),        // 6
      op(Op::End),        // 7
      op(Op::Loop),       // 8  header slot 9: 9..10
      op(Op::LocalGet),   // 9
      op(Op::BrIf, 0),    // 10 the back-edge, from the header's slot: taken, slot 10
      op(Op::End),        // 11
      op(Op::Loop),       // 12 no back-edge
      op(Op::Nop),        // 13
      op(Op::End),        // 14
      op(Op::End),        // 15
  };
  jit_flow::LatchChecks latches;
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body), {}, nullptr, nullptr, &latches);
  EXPECT_EQ(latches.moved, (std::vector<uint32_t>{1, 8, 12}));
  ASSERT_EQ(latches.slots.size(), 1u);
  EXPECT_EQ(latches.slots[0], (std::pair<uint32_t, uint32_t>{1, 4}));
  EXPECT_EQ(latches.taken, (std::vector<uint32_t>{10}));
  // The first loop is entered by falling in and goes back by a `br` only: its header's
  // 2 units are paid on those edges, at slot 4 (2 + 2) and before it (slot 0). The
  // second goes back by a br_if: its header's 2 units are paid on that br_if's taken
  // edge (slot 10) and where it is entered (slot 0). The third cannot go round: its
  // header's 3 units (nop and the two ends) are paid where it is entered, slot 0 too,
  // which holds the closed block's follow-up: 2 + 2 + (loop, the second loop's exit:
  // end, loop) 3 + 2 + 3 = 12.
  EXPECT_EQ(cost[2], 0u);
  EXPECT_EQ(cost[4], 2u + 2u);
  EXPECT_EQ(cost[9], 0u);
  EXPECT_EQ(cost[10], 2u);
  EXPECT_EQ(cost[13], 0u);
  EXPECT_EQ(cost[0], 12u);
}

// A loop that checks on the way round at a br_if's own charge pays its header there
// for the next turn, in advance, and where it is entered for the first; the br_if's
// fall-through, the loop's exit, gives the advance back.
TEST(JitFlow, BrIfBackEdgeFromItsOwnChargePaysTheNextHeaderInAdvance) {
  const std::vector<Instr> body = {
      op(Op::Block),      // 0  slot 0: 0..1
      op(Op::Loop),       // 1  header slot 2: 2..3
      op(Op::LocalGet),   // 2
      op(Op::BrIf, 1),    // 3  leaves
      op(Op::Nop),        // 4  slot 4: 4..6
      op(Op::LocalGet),   // 5
      op(Op::BrIf, 0),    // 6  the back-edge, from slot 4
      op(Op::Nop),        // 7  slot 7 (the exit): 7..9
      op(Op::End),        // 8
      op(Op::End),        // 9  the block's end: slot 0 again after it
      op(Op::End),        // 10
  };
  jit_flow::LatchChecks latches;
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body), {}, nullptr, nullptr, &latches);
  EXPECT_EQ(latches.moved, (std::vector<uint32_t>{1}));
  EXPECT_EQ(latches.slots, (std::vector<std::pair<uint32_t, uint32_t>>{{1, 4}}));
  EXPECT_TRUE(latches.taken.empty());
  EXPECT_EQ(latches.ahead, (std::vector<std::pair<uint32_t, uint32_t>>{{4, 2}}));
  EXPECT_EQ(latches.refunds, (std::vector<std::pair<uint32_t, uint32_t>>{{7, 2}}));
  EXPECT_EQ(cost[2], 0u);
  EXPECT_EQ(cost[4], 3u + 2u);
  EXPECT_EQ(cost[7], 3u);
  EXPECT_EQ(cost[0], 3u + 2u);  // block, loop, the last end; the first turn's header
}

// A loop whose br_if back-edge leaves from its header's charge pays the header on the
// taken edge; not when a block may start at the br_if (an `end` before it), when a
// br_table goes back too, or when the translator keeps the header (`keep`).
TEST(JitFlow, BrIfBackEdgeFromTheHeaderPaysItOnTheTakenEdge) {
  const std::vector<Instr> taken = {
      op(Op::Loop),       // 0  header slot 1: 1..3
      op(Op::LocalGet),   // 1
      op(Op::I32Eqz),     // 2
      op(Op::BrIf, 0),    // 3  the back-edge: taken, slot 3
      op(Op::End),        // 4
      op(Op::End),        // 5
  };
  jit_flow::LatchChecks latches;
  std::vector<uint32_t> cost = jit_flow::block_costs(taken, jit_flow::flow_points(taken), {}, nullptr, nullptr, &latches);
  EXPECT_EQ(latches.moved, (std::vector<uint32_t>{0}));
  EXPECT_EQ(latches.taken, (std::vector<uint32_t>{3}));
  EXPECT_EQ(cost[1], 0u);
  EXPECT_EQ(cost[3], 3u);
  EXPECT_EQ(cost[0], 1u + 2u + 3u);  // loop, the exit (two ends), the first turn
  const jit_flow::KeepHeader loop0{[](const void*, uint32_t loop) { return loop == 0; }, nullptr};
  cost = jit_flow::block_costs(taken, jit_flow::flow_points(taken), {}, nullptr, nullptr, &latches, loop0);
  EXPECT_TRUE(latches.moved.empty());
  EXPECT_TRUE(latches.taken.empty());
  EXPECT_EQ(cost[1], 3u);

  const std::vector<Instr> after_end = {
      op(Op::Loop),       // 0  header slot 1
      op(Op::Block),      // 1
      op(Op::LocalGet),   // 2
      op(Op::End),        // 3  a closed block: slot 1 goes on
      op(Op::BrIf, 0),    // 4  after an `end`: kept at the header
      op(Op::End),        // 5
      op(Op::End),        // 6
  };
  cost = jit_flow::block_costs(after_end, jit_flow::flow_points(after_end), {}, nullptr, nullptr, &latches);
  EXPECT_TRUE(latches.taken.empty());
  EXPECT_EQ(cost[1], 4u);

  std::vector<Instr> table = {
      op(Op::Loop),       // 0  header slot 1
      op(Op::LocalGet),   // 1
      op(Op::BrIf, 0),    // 2
      op(Op::LocalGet),   // 3  slot 3
      op(Op::BrTable, 0), // 4  back to the loop too
      op(Op::End),        // 5
      op(Op::End),        // 6
  };
  static const uint32_t to_loop[] = {0};
  table[4].targets = to_loop;
  cost = jit_flow::block_costs(table, jit_flow::flow_points(table), {}, nullptr, nullptr, &latches);
  EXPECT_TRUE(latches.taken.empty());
  EXPECT_EQ(cost[1], 2u);
}

// An if arm a back-edge leaves from keeps a unit of its own when the units both arms
// start with go before the if (here all of the else arm's would), so that the loop
// checks there, on the way round, and its header is paid on its edges.
TEST(JitFlow, ArmABackEdgeLeavesFromKeepsAUnitForTheCheck) {
  const std::vector<Instr> body = {
      op(Op::Loop),       // 0  slot 0: 0; header slot 1: 1..2
      op(Op::LocalGet),   // 1
      op(Op::If),         // 2
      op(Op::Nop),        // 3  then arm: slot 3 (3, 4 and the join after the if,
      op(Op::Else),       // 4  paid on the arm's end)
      op(Op::Nop),        // 5  else arm: slot 5 (5, 6)
      op(Op::Br, 1),      // 6  the back-edge, from the else arm
      op(Op::End),        // 7
      op(Op::End),        // 8
      op(Op::End),        // 9
  };
  jit_flow::LatchChecks latches;
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body), {}, nullptr, nullptr, &latches);
  EXPECT_EQ(latches.moved, (std::vector<uint32_t>{0}));
  EXPECT_EQ(latches.slots, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 5}}));
  // Both arms start with 2 or more: 1 goes before the if (to the header: 2 + 1), the
  // else arm keeps 1; the header's 3 are paid where the loop is entered (slot 0) and
  // on the back-edge (slot 5).
  EXPECT_EQ(cost[1], 0u);
  EXPECT_EQ(cost[5], 1u + 3u);
  EXPECT_EQ(cost[0], 1u + 3u);
  EXPECT_EQ(cost[3], 3u);
}

// A back-edge from a join paid on its edges checks at the charges those edges leave
// from: a path to the join passes exactly one of them.
TEST(JitFlow, BackEdgeFromAJoinPaidOnItsEdgesChecksAtThoseEdges) {
  const std::vector<Instr> body = {
      op(Op::Loop),       // 0  header slot 1: 1..2
      op(Op::LocalGet),   // 1
      op(Op::BrIf, 1),    // 2  to the function's end
      op(Op::Block),      // 3  slot 3: 3..5, and the units the if's two ways share
      op(Op::LocalGet),   // 4
      op(Op::If),         // 5
      op(Op::Nop),        // 6  then arm: slot 6
      op(Op::Br, 1),      // 7  to the block's end: one edge into the join
      op(Op::End),        // 8
      op(Op::LocalGet),   // 9  slot 9, in effect the if's else arm
      op(Op::BrIf, 2),    // 10 to the function's end: the block leaks
      op(Op::End),        // 11 slot 11: the block's end, falling in: the other edge
      op(Op::Br, 0),      // 12 the join (slot 12, paid on both edges): the back-edge
      op(Op::End),        // 13
      op(Op::End),        // 14
  };
  jit_flow::LatchChecks latches;
  const std::vector<uint32_t> cost = jit_flow::block_costs(body, jit_flow::flow_points(body), {}, nullptr, nullptr, &latches);
  ASSERT_EQ(cost[12], 0u) << "the premise: the join is paid on its edges";
  EXPECT_EQ(cost[6], 1u + 2u);  // nop, br, the join's br: 3, less the 2 both ways share;
                                // and the header's 2 units: the back-edge leaves from here
  EXPECT_EQ(cost[11], 2u + 2u);  // end, the join's br, and the header's units
  EXPECT_EQ(cost[1], 0u);  // the header (local.get, br_if): paid on its edges
  EXPECT_EQ(cost[0], 1u + 2u);  // the loop, entered here, and the header's units
  EXPECT_EQ(latches.moved, (std::vector<uint32_t>{0}));
  std::vector<std::pair<uint32_t, uint32_t>> slots = latches.slots;
  std::sort(slots.begin(), slots.end());
  EXPECT_EQ(slots, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 6}, {0, 11}}));
}

// A header some loop checks at (here the outer loop's back-edge leaves from the inner
// loop's header) keeps its units: paid elsewhere, the outer loop would check nowhere.
// The outer header's own units go to that charge and to the outer loop's entry.
TEST(JitFlow, HeaderAnOuterLoopChecksAtKeepsItsCharge) {
  const std::vector<Instr> body = {
      op(Op::Loop),    // 0  outer; slot 0: 0
      op(Op::Loop),    // 1  inner; outer header slot 1: 1
      op(Op::Nop),     // 2  inner header slot 2: 2..3
      op(Op::Br, 1),   // 3  to the outer loop: its back-edge, from the inner header
      op(Op::End),     // 4
      op(Op::End),     // 5
      op(Op::End),     // 6
  };
  jit_flow::LatchChecks latches;
  const std::vector<uint32_t> cost =
      jit_flow::block_costs(body, jit_flow::flow_points(body), {}, nullptr, nullptr, &latches);
  EXPECT_EQ(latches.slots, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 2}}));
  EXPECT_EQ(cost[2], 2u + 1u);  // nop, br, and the outer header's `loop`
  EXPECT_EQ(cost[1], 0u);
  EXPECT_EQ(cost[0], 1u + 1u);
}

// exit_reads_memory on loop turns [1, latch): a counted turn's exit does not depend on
// memory even when it loads and stores; a search's does, however the loaded value gets
// to the br_if (directly, through arithmetic, a local set or teed in the turn, a
// select); an instruction it does not follow counts as reading memory.
TEST(JitFlow, ExitReadsMemoryFollowsLoadedValuesToTheCondition) {
  auto reads = [](std::vector<Instr> turn) {
    turn.insert(turn.begin(), op(Op::Loop));
    turn.push_back(op(Op::BrIf));
    turn.push_back(op(Op::End));
    return jit_flow::exit_reads_memory(turn, 1, turn.size() - 2);
  };
  // n -= 1 after copying a byte; br_if n
  EXPECT_FALSE(reads({op(Op::LocalGet, 0), op(Op::LocalGet, 1), op(Op::I32Load8U), op(Op::I32Store8),
                      op(Op::LocalGet, 2), op(Op::I32Const), op(Op::I32Sub), op(Op::LocalTee, 2)}));
  // i += 1; br_if i < n
  EXPECT_FALSE(reads({op(Op::LocalGet, 0), op(Op::I32Const), op(Op::I32Add), op(Op::LocalTee, 0),
                      op(Op::LocalGet, 1), op(Op::I32LtU)}));
  // br_if load(p)
  EXPECT_TRUE(reads({op(Op::LocalGet, 0), op(Op::I32Load8U)}));
  // br_if load(p) < pivot
  EXPECT_TRUE(reads({op(Op::LocalGet, 0), op(Op::I32Load), op(Op::LocalGet, 1), op(Op::I32LtS)}));
  // x = load(p); p += 4; br_if x != 0
  EXPECT_TRUE(reads({op(Op::LocalGet, 0), op(Op::I32Load), op(Op::LocalSet, 3), op(Op::LocalGet, 0),
                     op(Op::I32Const), op(Op::I32Add), op(Op::LocalSet, 0), op(Op::LocalGet, 3)}));
  // x = load(p); then x set again from a counter: the loaded value no longer reaches it
  EXPECT_FALSE(reads({op(Op::LocalGet, 0), op(Op::I32Load), op(Op::LocalSet, 3), op(Op::LocalGet, 4),
                      op(Op::LocalSet, 3), op(Op::LocalGet, 3)}));
  // br_if select(a, load(p), c)
  EXPECT_TRUE(reads({op(Op::LocalGet, 1), op(Op::LocalGet, 0), op(Op::I32Load), op(Op::LocalGet, 2),
                     op(Op::Select)}));
  // ref.is_null: not followed
  EXPECT_TRUE(reads({op(Op::RefNull), op(Op::RefIsNull)}));
}

}  // namespace
}  // namespace midimon::wasm
