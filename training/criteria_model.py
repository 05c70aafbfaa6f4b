"""The trainable criteria head (torch): sentence vectors + rule scores -> context head -> 11 logits.

Why this shape: the head first projects each sentence (its vector and rule scores) to a small
vector h, then reads h for the sentence, its two neighbours and a window around it. Sharing
the projection keeps context cheap in parameters, which matters with 6,500 labelled sentences
(concatenating raw neighbour vectors over-fitted in our tests). At run time the same arithmetic
runs in numpy (classify.criteria.ContextHeadArrays).
"""

from __future__ import annotations

import torch

from classify.context import WINDOW


def neighbour_blocks(
    h: torch.Tensor, starts: torch.Tensor, ends: torch.Tensor, window: int = WINDOW
) -> torch.Tensor:
    """[h, previous h, next h, window mean of h] per row, never crossing a statement boundary.

    ``starts``/``ends`` give each row's statement span [start, end) in the stacked rows; this is
    the torch twin of classify.context.shift/window_mean applied statement by statement.
    """
    n = h.shape[0]
    idx = torch.arange(n)
    zero = torch.zeros_like(h[:1])
    padded = torch.cat([h, zero])  # row n is the zero row
    prev = padded[torch.where(idx - 1 >= starts, idx - 1, torch.full_like(idx, n))]
    nxt = padded[torch.where(idx + 1 < ends, idx + 1, torch.full_like(idx, n))]
    csum = torch.cat([torch.zeros_like(h[:1]), torch.cumsum(h, 0)])
    lo = torch.maximum(idx - window, starts)
    hi = torch.minimum(idx + window + 1, ends)
    count = (hi - lo - 1).clamp(min=1).unsqueeze(1).to(h.dtype)
    win = (csum[hi] - csum[lo] - h) / count
    return torch.cat([h, prev, nxt, win], 1)


class ContextHead(torch.nn.Module):
    """Per-sentence projection, then [self, previous, next, window mean] -> 11 logits.

    The last ``n_out`` inputs are the rule scores; a linear skip path carries them to the logits
    past the dropout, since the rules (written from the definitions) are the part most likely to
    hold on unseen jurisdictions (the rules alone beat the head on approval).
    """

    def __init__(
        self, in_dim: int, n_out: int, proj_dim: int = 128, dropout: float = 0.2, context: bool = True
    ) -> None:
        super().__init__()
        self.context = context  # False zeroes the neighbour blocks: the no-context ablation
        self.proj = torch.nn.Linear(in_dim, proj_dim)
        self.out = torch.nn.Linear(4 * proj_dim, n_out)
        self.skip = torch.nn.Linear(n_out, n_out)  # rule scores straight to the logits, never dropped
        self.drop_in = torch.nn.Dropout(dropout)
        self.drop = torch.nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, starts: torch.Tensor, ends: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.proj(self.drop_in(x)))
        blocks = neighbour_blocks(h, starts, ends)
        if not self.context:
            blocks = torch.cat([h, torch.zeros_like(blocks[:, h.shape[1] :])], 1)
        return self.out(self.drop(blocks)) + self.skip(x[:, -self.skip.in_features :])
