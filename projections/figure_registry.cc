#include "projections/figure_registry.h"

#include "projections/finding_figure.h"
#include "projections/milestone_figure.h"
#include "projections/money_figures.h"

namespace timeline {
namespace {

using MakeWithId = std::unique_ptr<FigureDefinition> (*)(std::string id);

// The figures about one subject, named by its id after the colon.
struct SubjectFigure {
  std::string_view name;
  std::string_view id_name;
  std::string_view description;
  MakeWithId make;
};

const std::vector<SubjectFigure>& SubjectFigures() {
  static const std::vector<SubjectFigure> kFigures = {
      {"finding", "INVOICE_ID",
       "an invoice's contract-compliance findings, from the invoice, its contract and order events",
       MakeFindingFigure},
      {"milestone", "MILESTONE_ID",
       "a milestone's due date and days overdue, from its planning, rescheduling, completion "
       "and project events (PROJECT_ID/MILESTONE_ID when the id is in several projects)",
       MakeMilestoneFigure},
  };
  return kFigures;
}

std::string Usages() {
  std::string usages;
  for (const auto& info : FigureCatalogue()) {
    if (!usages.empty()) usages += ", ";
    usages += info.usage;
  }
  return usages;
}

}  // namespace

const std::vector<FigureInfo>& FigureCatalogue() {
  static const std::vector<FigureInfo> kCatalogue = [] {
    std::vector<FigureInfo> catalogue;
    for (const auto& money : MoneyFigures()) catalogue.push_back({money.name, money.description});
    for (const auto& subject : SubjectFigures()) {
      catalogue.push_back({std::string(subject.name) + ":" + std::string(subject.id_name),
                           std::string(subject.description)});
    }
    return catalogue;
  }();
  return kCatalogue;
}

Result<std::unique_ptr<FigureDefinition>> MakeFigure(std::string_view figure) {
  const auto colon = figure.find(':');
  const std::string_view name = figure.substr(0, colon);
  for (const auto& subject : SubjectFigures()) {
    if (name != subject.name) continue;
    if (colon == std::string_view::npos || colon + 1 == figure.size()) {
      return Status::InvalidArgument("figure " + std::string(name) + " needs an id: " +
                                     std::string(name) + ":" + std::string(subject.id_name));
    }
    return subject.make(std::string(figure.substr(colon + 1)));
  }
  if (auto money = MakeMoneyFigure(name)) {
    if (colon != std::string_view::npos) {
      return Status::InvalidArgument("figure " + std::string(name) + " takes no id");
    }
    return money;
  }
  return Status::InvalidArgument("unknown figure '" + std::string(figure) +
                                 "'; figures: " + Usages());
}

}  // namespace timeline
