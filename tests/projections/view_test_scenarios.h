// The hand-worked account histories the views' tests check (each test file states the answers).
#pragma once

#include "tests/projections/view_test_history.h"

namespace timeline::testing::views {

// Contract C-1 (from 2026-01-01: WIDGET 1000, GADGET 5000, MANUAL 300; 30 days; cap 500 bps),
// amended from 2026-03-01 (WIDGET 900). One correct invoice and one invoice per broken rule.
inline History ComplianceHistory(std::string account = "acme", std::string manager = "jane.doe") {
  History h(std::move(account));
  h.On("2026-01-02").Opened("Acme Industrial", manager);
  h.On("2026-01-05")
      .Signed("C-1", History::Terms({{"WIDGET", 1000}, {"GADGET", 5000}, {"MANUAL", 300}}, 30, 500,
                                    "2026-01-01"));
  h.On("2026-01-10").Order("O-1", {{"WIDGET", 10, 1000}, {"GADGET", 2, 5000}}, "C-1");
  h.On("2026-01-11").Order("O-2", {{"WIDGET", 100, 1000}, {"EXTRA", 2, 700}}, "C-1");
  h.On("2026-01-12").Shipped("O-1", "S-1", {{"WIDGET", 10}, {"GADGET", 1}});
  h.Shipped("O-2", "S-2", {{"WIDGET", 100}, {"EXTRA", 2}});
  h.On("2026-01-15").Invoice("INV-OK", "O-1", {{"WIDGET", 10, 1000, 500}}, "2026-02-14", "C-1");
  h.On("2026-01-20").Invoice("INV-PRICE", "O-1", {{"GADGET", 1, 5500}}, "2026-02-19");
  h.On("2026-01-21").Invoice("INV-DISCOUNT", "O-2", {{"WIDGET", 5, 1000, 800}}, "2026-02-20");
  h.On("2026-01-22").Invoice("INV-TERMS", "O-2", {{"WIDGET", 5, 1000}}, "2026-03-08");
  h.On("2026-01-23").Invoice("INV-UNLISTED", "O-2", {{"EXTRA", 2, 700}}, "2026-02-22");
  h.On("2026-01-24").Invoice("INV-OVERBILL", "O-1", {{"WIDGET", 1, 1000}}, "2026-02-23");
  h.On("2026-01-25").Invoice("INV-NOCONTRACT", "O-2", {{"WIDGET", 1, 1000}}, "2026-02-24", "C-9");
  h.On("2026-01-26")
      .Amended("C-1",
               History::Terms({{"WIDGET", 900}, {"GADGET", 5000}, {"MANUAL", 300}}, 30, 500, ""),
               "2026-03-01");
  h.On("2026-02-20").Invoice("INV-FEB", "O-2", {{"WIDGET", 2, 1000}}, "2026-03-22");
  h.On("2026-03-02").Invoice("INV-MAR-OLD", "O-2", {{"WIDGET", 2, 1000}}, "2026-04-01");
  h.On("2026-03-03").Invoice("INV-MAR-NEW", "O-2", {{"WIDGET", 2, 900}}, "2026-04-02");
  return h;
}

// Receivables to age at 2026-06-30, a team, an open order, service cases and training.
inline History SummaryHistory(std::string account = "beta", std::string manager = "jane.doe") {
  History h(std::move(account));
  h.On("2026-01-02").Opened("Beta Logistics", manager);
  h.Member("pm.one", v1::PROJECT_MANAGER, v1::CLIENT_SITE);
  h.Member("cs.two", v1::CUSTOMER_SERVICE, v1::REMOTE);
  h.Member("tr.three", v1::TRAINER, v1::HOME_OFFICE);
  h.On("2026-01-03").Released("cs.two");
  h.On("2026-02-01").Order("O-1", {{"A", 3, 100}, {"B", 1, 1000}});
  h.On("2026-02-03").Shipped("O-1", "S-1", {{"A", 3}});
  h.On("2026-02-05").Invoice("I-PAID", "", {{"X", 1, 8000}}, "2026-03-01");
  h.Invoice("I-120", "", {{"X", 1, 7000}}, "2026-03-02");
  h.On("2026-03-17").Invoice("I-75", "", {{"X", 1, 6000}}, "2026-04-16");
  h.On("2026-04-16").Invoice("I-45", "", {{"X", 1, 5000}}, "2026-05-16");
  h.On("2026-05-01").Invoice("I-30", "", {{"X", 1, 4000}}, "2026-05-31");
  h.Invoice("I-USD", "", {{"X", 1, 10000, 0, "USD"}}, "2026-06-01");
  h.On("2026-05-26").Invoice("I-5", "", {{"X", 1, 3000}}, "2026-06-25");
  h.On("2026-05-31").Invoice("I-TODAY", "", {{"X", 1, 2000}}, "2026-06-30");
  h.On("2026-06-10").Invoice("I-CURRENT", "", {{"X", 1, 1000}}, "2026-07-10");
  h.On("2026-06-12").Paid("P-1", "I-PAID", 8000);
  h.Paid("P-2", "I-5", 1000);
  h.Credited("I-45", "CN-1", 500);
  h.On("2026-06-15").CaseOpened("S-1", v1::HIGH);
  h.CaseOpened("S-2", v1::CRITICAL);
  h.CaseOpened("S-3", v1::LOW);
  h.CaseOpened("S-4", v1::HIGH);
  h.On("2026-06-20").CaseResolved("S-3");
  h.TrainingScheduled("T-1", "A", 8, "2026-07-01");
  return h;
}

// Project P-1 with four milestones (on time, slipped and late, slipped open, open) and a
// cancelled project P-2 with an open milestone.
inline History ProjectHistory(std::string account = "gamma", std::string manager = "john.roe") {
  History h(std::move(account));
  h.On("2026-01-02").Opened("Gamma Retail", manager);
  h.On("2026-01-05").Project("P-1", "Rollout", "2026-09-30");
  h.Milestone("P-1", "M-1", "2026-03-01");
  h.Milestone("P-1", "M-2", "2026-04-01");
  h.Milestone("P-1", "M-3", "2026-05-01");
  h.Milestone("P-1", "M-4", "2026-06-01");
  h.Project("P-2", "Pilot", "2026-03-31");
  h.Milestone("P-2", "M-9", "2026-02-01");
  h.On("2026-01-20").ProjectCancelled("P-2");
  h.On("2026-02-27").MilestoneDone("P-1", "M-1");
  h.On("2026-03-20").Rescheduled("P-1", "M-2", "2026-04-15");
  h.On("2026-04-20").MilestoneDone("P-1", "M-2");
  h.On("2026-04-25").Rescheduled("P-1", "M-3", "2026-05-20");
  return h;
}

// Contracts (one in force, one expired, one terminated) and orders around the 12 months
// before 2026-06-30.
inline History GrowthHistory(std::string account = "delta", std::string manager = "john.roe") {
  History h(std::move(account));
  h.On("2024-01-02").Opened("Delta Foods", manager);
  h.Signed("C-1", History::Terms({{"A", 100}, {"B", 200}, {"C", 300}, {"D", 400}, {"G", 700}}, 30,
                                 0, "2024-01-01"));
  h.Signed("C-2", History::Terms({{"E", 500}}, 30, 0, "2024-01-01", "2025-12-31"));
  h.Signed("C-3", History::Terms({{"F", 600}}, 30, 0, "2024-01-01"));
  h.On("2025-03-01").Order("O-1", {{"A", 1, 100}});
  h.On("2025-06-29").Order("O-6", {{"D", 1, 400}});
  h.On("2025-06-30").Order("O-8", {{"G", 1, 700}});
  h.On("2025-07-01").Order("O-2", {{"B", 2, 200}});
  h.On("2025-10-09").Order("O-3", {{"B", 1, 200}});
  h.On("2026-01-17").Order("O-4", {{"B", 3, 200}});
  h.On("2026-02-01").Order("O-5", {{"C", 1, 300}});
  h.On("2026-02-02").Cancelled("O-5");
  h.On("2026-03-01").Terminated("C-3", "2026-03-01");
  h.On("2026-04-01").Proposed("PR-1", "NEW-1");
  h.Proposed("PR-2", "NEW-2");
  h.Proposed("PR-3", "NEW-3");
  h.On("2026-04-10").ProposalAccepted("PR-2");
  h.On("2026-07-05").Order("O-7", {{"C", 1, 300}});
  return h;
}

// Orders of A, B (and a cancelled C); training delivered for A and for D (never ordered),
// pending and cancelled for B.
inline History TrainingHistory(std::string account = "epsilon", std::string manager = "ann.lee") {
  History h(std::move(account));
  h.On("2026-01-02").Opened("Epsilon Health", "jane.doe");
  h.On("2026-01-10").Order("O-1", {{"A", 10, 100}, {"B", 5, 200}});
  h.Order("O-2", {{"C", 3, 300}});
  h.Order("O-3", {{"A", 2, 100}});
  h.On("2026-01-11").Cancelled("O-2");
  h.On("2026-02-01").TrainingScheduled("T-1", "A", 8, "2026-02-15");
  h.TrainingScheduled("T-2", "B", 5, "2026-03-15");
  h.TrainingScheduled("T-3", "B", 4, "2026-03-16");
  h.On("2026-02-15").TrainingDelivered("T-1", "A", 7);
  h.On("2026-02-20").TrainingCancelled("T-3");
  h.TrainingDelivered("T-4", "D", 3);
  h.On("2026-03-01").Manager(manager);
  return h;
}

}  // namespace timeline::testing::views
