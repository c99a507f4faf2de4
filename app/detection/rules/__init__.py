"""The rules engine: rule files (data) over a vocabulary of kinds (code), evaluated purely."""

from app.detection.rules.evaluator import EvaluationResult, evaluate, evaluate_rule
from app.detection.rules.loader import check_rules, load_rules
from app.detection.rules.model import Rule, RuleError, RuleFileError, RuleSet, Scope
from app.detection.rules.vocabulary import KINDS, describe_vocabulary

__all__ = [
    "KINDS",
    "EvaluationResult",
    "Rule",
    "RuleError",
    "RuleFileError",
    "RuleSet",
    "Scope",
    "check_rules",
    "describe_vocabulary",
    "evaluate",
    "evaluate_rule",
    "load_rules",
]
