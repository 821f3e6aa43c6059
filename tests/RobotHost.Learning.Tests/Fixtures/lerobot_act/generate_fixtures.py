#!/usr/bin/env python3
"""Generates the LeRobot ACT reference fixtures for LeRobotActImportTests (C#).

It runs LeRobot's own modeling_act.py (unmodified, loaded from a LeRobot checkout) in eval mode on
weights that are a deterministic function of (tensor name, element index), and stores only what the
C# test cannot recompute: LeRobot's config.json, the names/dtypes/shapes of the real state_dict, the
normalisation statistics, a few observations and the actions LeRobot returns for them.
The C# test regenerates model.safetensors from the same formula (see README.md), writes a LeRobot
pretrained_model folder, imports it and compares actions.

Needs torch + torchvision (tested with Debian 12's python3-torch 1.13.1 / python3-torchvision 0.14.1)
and numpy; nothing else. LeRobot's config, hub and processor classes need newer packages
(draccus, huggingface_hub, einops...), so the few imports modeling_act.py makes outside the model code
are replaced by small stand-ins below; the model code itself runs as written.

    python3 generate_fixtures.py --lerobot /path/to/lerobot   # a checkout (or `git archive` of it)
"""

import argparse
import base64
import dataclasses
import importlib.util
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
MASK64 = (1 << 64) - 1

# --------------------------------------------------------------------------------------------------------------------
# The weight formula (mirrored by LeRobotActFixture.cs; README.md states it in words).
# --------------------------------------------------------------------------------------------------------------------


def fnv1a64(text: str) -> int:
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & MASK64
    return h


def uniform_pm1(name: str, n: int) -> np.ndarray:
    """n values in [-1, 1), float64, from splitmix64 over (FNV-1a(name), element index)."""
    seed = np.uint64(fnv1a64(name))
    i = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = seed + i * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)
    return 2.0 * u - 1.0


def formula(name: str, shape) -> np.ndarray:
    n = int(np.prod(shape)) if len(shape) else 1
    s = uniform_pm1(name, n)
    if name.endswith("running_var"):
        v = 0.75 + 0.25 * s  # positive, around 0.75
    elif name.endswith("running_mean"):
        v = 0.1 * s
    elif len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        v = s * math.sqrt(3.0 / fan_in)  # uniform with variance 1/fan_in
    elif name.endswith("weight"):
        v = 1.0 + 0.1 * s  # LayerNorm / BatchNorm scale
    else:
        v = 0.1 * s  # biases
    return v.astype(np.float32).reshape(shape)


# Persistent buffers LeRobot computes itself (kept as LeRobot made them, not set from the formula).
COMPUTED_BUFFERS = ("model.vae_encoder_pos_enc",)

# --------------------------------------------------------------------------------------------------------------------
# Loading LeRobot's modeling_act.py with stand-ins for its non-model imports.
# --------------------------------------------------------------------------------------------------------------------


def load_lerobot(src: Path):
    pkg_root = src / "src" / "lerobot" if (src / "src" / "lerobot").exists() else src / "lerobot"

    def package(name):
        m = types.ModuleType(name)
        m.__path__ = []
        sys.modules[name] = m
        return m

    def from_file(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        m = importlib.util.module_from_spec(spec)
        sys.modules[name] = m
        spec.loader.exec_module(m)
        return m

    for p in ("lerobot", "lerobot.utils", "lerobot.configs", "lerobot.policies", "lerobot.policies.act"):
        package(p)
    # constants.py reads HF_HOME from huggingface_hub (only for cache paths).
    package("huggingface_hub")
    hub_constants = types.ModuleType("huggingface_hub.constants")
    hub_constants.HF_HOME = "/tmp/hf_home"
    sys.modules["huggingface_hub.constants"] = hub_constants
    constants = from_file("lerobot.utils.constants", pkg_root / "utils" / "constants.py")
    ftypes = from_file("lerobot.configs.types", pkg_root / "configs" / "types.py")

    # einops: the two patterns modeling_act.py uses.
    einops = types.ModuleType("einops")

    def rearrange(x, pattern, **_):
        if pattern.replace(" ", "") == "bchw->(hw)bc":
            b, c, h, w = x.shape
            return x.permute(2, 3, 0, 1).reshape(h * w, b, c)
        raise NotImplementedError(pattern)

    def repeat(x, pattern, **kw):
        if pattern.replace(" ", "") == "1d->b1d":
            return x.unsqueeze(0).expand(kw["b"], 1, x.shape[-1])
        raise NotImplementedError(pattern)

    einops.rearrange, einops.repeat = rearrange, repeat
    sys.modules["einops"] = einops

    # PreTrainedPolicy (hub mixin, save/load) → a plain nn.Module holding the config.
    pretrained = types.ModuleType("lerobot.policies.pretrained")

    class PreTrainedPolicy(nn.Module):
        def __init__(self, config, *args, **kwargs):
            super().__init__()
            self.config = config

    pretrained.PreTrainedPolicy = PreTrainedPolicy
    sys.modules["lerobot.policies.pretrained"] = pretrained

    # ACTConfig (draccus, hub) → a dataclass with the same fields and the PreTrainedConfig properties the model reads.
    cfg_mod = types.ModuleType("lerobot.policies.act.configuration_act")
    FeatureType = ftypes.FeatureType

    @dataclasses.dataclass
    class ACTConfig:
        n_obs_steps: int = 1
        normalization_mapping: dict = dataclasses.field(
            default_factory=lambda: {"VISUAL": "MEAN_STD", "STATE": "MEAN_STD", "ACTION": "MEAN_STD"}
        )
        input_features: dict = dataclasses.field(default_factory=dict)
        output_features: dict = dataclasses.field(default_factory=dict)
        device: str = "cpu"
        use_amp: bool = False
        use_peft: bool = False
        push_to_hub: bool = False
        repo_id: str = None
        private: bool = None
        tags: list = None
        license: str = None
        pretrained_path: str = None
        pretrained_revision: str = None
        chunk_size: int = 100
        n_action_steps: int = 100
        vision_backbone: str = "resnet18"
        pretrained_backbone_weights: str = None  # no download here; the weights come from the formula
        replace_final_stride_with_dilation: int = False
        pre_norm: bool = False
        dim_model: int = 512
        n_heads: int = 8
        dim_feedforward: int = 3200
        feedforward_activation: str = "relu"
        n_encoder_layers: int = 4
        n_decoder_layers: int = 1
        use_vae: bool = True
        latent_dim: int = 32
        n_vae_encoder_layers: int = 4
        temporal_ensemble_coeff: float = None
        dropout: float = 0.1
        kl_weight: float = 10.0
        optimizer_lr: float = 1e-5
        optimizer_weight_decay: float = 1e-4
        optimizer_lr_backbone: float = 1e-5

        def _features(self, which):
            return {k: ftypes.PolicyFeature(FeatureType(v["type"]), tuple(v["shape"])) for k, v in which.items()}

        @property
        def robot_state_feature(self):
            for k, f in self._features(self.input_features).items():
                if f.type is FeatureType.STATE and k == constants.OBS_STATE:
                    return f
            return None

        @property
        def env_state_feature(self):
            for f in self._features(self.input_features).values():
                if f.type is FeatureType.ENV:
                    return f
            return None

        @property
        def image_features(self):
            return {k: f for k, f in self._features(self.input_features).items() if f.type is FeatureType.VISUAL}

        @property
        def action_feature(self):
            for k, f in self._features(self.output_features).items():
                if f.type is FeatureType.ACTION and k == constants.ACTION:
                    return f
            return None

        def validate_features(self):
            if not self.image_features and not self.env_state_feature:
                raise ValueError("You must provide at least one image or the environment state among the inputs.")

        def to_json(self):
            d = {"type": "act"}
            d.update(dataclasses.asdict(self))
            return d

    cfg_mod.ACTConfig = ACTConfig
    sys.modules["lerobot.policies.act.configuration_act"] = cfg_mod
    modeling = from_file("lerobot.policies.act.modeling_act", pkg_root / "policies" / "act" / "modeling_act.py")
    return modeling, ACTConfig


# --------------------------------------------------------------------------------------------------------------------
# LeRobot's normalisation, as lerobot/processor/normalize_processor.py (current) and the removed
# lerobot/policies/normalize.py (checkpoints that keep stats inside model.safetensors) compute it.
# --------------------------------------------------------------------------------------------------------------------

EPS = 1e-8


def normalize(x, stats, mode, legacy):
    t = lambda k: torch.tensor(np.asarray(stats[k], dtype=np.float32)).to(x.dtype)
    if mode == "IDENTITY":
        return x
    if mode == "MEAN_STD":
        return (x - t("mean")) / (t("std") + EPS)
    if mode == "MIN_MAX":
        lo, hi = t("min"), t("max")
        if legacy:
            return (x - lo) / (hi - lo + EPS) * 2 - 1
        denom = torch.where(hi - lo == 0, torch.tensor(EPS), hi - lo)
        return 2 * (x - lo) / denom - 1
    raise ValueError(mode)


def unnormalize(x, stats, mode, legacy):
    t = lambda k: torch.tensor(np.asarray(stats[k], dtype=np.float32)).to(x.dtype)
    if mode == "IDENTITY":
        return x
    if mode == "MEAN_STD":
        return x * t("std") + t("mean")
    if mode == "MIN_MAX":
        lo, hi = t("min"), t("max")
        if legacy:
            return (x + 1) / 2 * (hi - lo) + lo
        denom = torch.where(hi - lo == 0, torch.tensor(EPS), hi - lo)
        return (x + 1) / 2 * denom + lo
    raise ValueError(mode)


# --------------------------------------------------------------------------------------------------------------------
# The cases.
# --------------------------------------------------------------------------------------------------------------------

IMAGENET = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "min": [0.0] * 3, "max": [1.0] * 3}
SO101_STATE = {
    "mean": [2.5, -41.0, 38.0, 62.0, -3.0, 12.0],
    "std": [18.0, 22.0, 25.0, 14.0, 30.0, 9.0],
    "min": [-60.0, -99.0, -20.0, 20.0, -90.0, 0.0],
    "max": [70.0, 10.0, 95.0, 99.0, 85.0, 45.0],
}
SO101_ACTION = {
    "mean": [3.0, -40.0, 37.0, 63.0, -2.5, 13.0],
    "std": [19.0, 23.0, 26.0, 15.0, 31.0, 10.0],
    "min": [-62.0, -100.0, -22.0, 18.0, -92.0, 0.0],
    "max": [72.0, 12.0, 97.0, 100.0, 88.0, 48.0],
}

CASES = {
    # LeRobot's ACTConfig defaults (d_model 512, 8 heads, ff 3200, 4+1 layers, VAE 4 layers, chunk 100) with an SO-101
    # state, one 96x96 camera, ImageNet image stats and the current processor layout for the stats.
    "act_default": dict(
        config=dict(
            input_features={
                "observation.state": {"type": "STATE", "shape": [6]},
                "observation.images.front": {"type": "VISUAL", "shape": [3, 96, 96]},
            },
            output_features={"action": {"type": "ACTION", "shape": [6]}},
        ),
        stats={"observation.state": SO101_STATE, "observation.images.front": IMAGENET, "action": SO101_ACTION},
        layout="processor",
        observations=2,
        select_steps=3,
    ),
    # Pre-norm, GELU, two decoder layers, two 64x80 cameras with their own (non-ImageNet) image stats, min-max state and
    # action, temporal ensembling, and the legacy layout (stats as normalize_* buffers inside model.safetensors).
    "act_prenorm_legacy": dict(
        config=dict(
            input_features={
                "observation.state": {"type": "STATE", "shape": [6]},
                "observation.images.top": {"type": "VISUAL", "shape": [3, 64, 80]},
                "observation.images.wrist": {"type": "VISUAL", "shape": [3, 64, 80]},
            },
            output_features={"action": {"type": "ACTION", "shape": [6]}},
            normalization_mapping={"VISUAL": "MEAN_STD", "STATE": "MIN_MAX", "ACTION": "MIN_MAX"},
            pre_norm=True,
            feedforward_activation="gelu",
            dim_model=64,
            n_heads=4,
            dim_feedforward=128,
            n_encoder_layers=2,
            n_decoder_layers=2,
            n_vae_encoder_layers=2,
            latent_dim=8,
            chunk_size=10,
            n_action_steps=1,
            temporal_ensemble_coeff=0.01,
        ),
        stats={
            "observation.state": SO101_STATE,
            "observation.images.top": {"mean": [0.41, 0.52, 0.33], "std": [0.21, 0.18, 0.27], "min": [0.0] * 3, "max": [1.0] * 3},
            "observation.images.wrist": {"mean": [0.55, 0.47, 0.38], "std": [0.25, 0.23, 0.19], "min": [0.0] * 3, "max": [1.0] * 3},
            "action": SO101_ACTION,
        },
        layout="legacy",
        observations=3,
        select_steps=3,
    ),
    # No VAE, images not normalised (IDENTITY), a small model, a 48x64 camera.
    "act_no_vae": dict(
        config=dict(
            input_features={
                "observation.state": {"type": "STATE", "shape": [6]},
                "observation.images.side": {"type": "VISUAL", "shape": [3, 48, 64]},
            },
            output_features={"action": {"type": "ACTION", "shape": [6]}},
            normalization_mapping={"VISUAL": "IDENTITY", "STATE": "MEAN_STD", "ACTION": "MEAN_STD"},
            use_vae=False,
            dim_model=32,
            n_heads=2,
            dim_feedforward=64,
            n_encoder_layers=1,
            n_decoder_layers=1,
            chunk_size=5,
            n_action_steps=5,
        ),
        stats={
            "observation.state": SO101_STATE,
            "observation.images.side": IMAGENET,
            "action": SO101_ACTION,
        },
        layout="processor",
        observations=2,
        select_steps=7,
    ),
}


def make_observation(rng, config):
    obs = {}
    for key, f in config.input_features.items():
        if f["type"] == "STATE":
            lo = np.array(SO101_STATE["min"]), np.array(SO101_STATE["max"])
            obs[key] = (lo[0] + rng.random_sample(f["shape"][0]) * (lo[1] - lo[0])).astype(np.float32)
        elif f["type"] == "VISUAL":
            c, h, w = f["shape"]
            # A smooth colour gradient with noise, HWC uint8 as a camera delivers it.
            yy, xx = np.mgrid[0:h, 0:w]
            base = np.stack([xx / w, yy / h, (xx + yy) / (w + h)], -1) * 200
            img = np.clip(base + rng.randint(0, 56, size=(h, w, 3)), 0, 255).astype(np.uint8)
            obs[key] = img
    return obs


def to_batch(obs, config, stats, legacy, dtype=torch.float32):
    batch = {}
    mapping = config.normalization_mapping
    for key, f in config.input_features.items():
        if f["type"] == "STATE":
            x = torch.from_numpy(obs[key]).unsqueeze(0).to(dtype)
            batch[key] = normalize(x, stats[key], mapping.get("STATE", "IDENTITY"), legacy)
        elif f["type"] == "VISUAL":
            x = torch.from_numpy(obs[key]).permute(2, 0, 1).to(dtype).div(255.0).unsqueeze(0)
            s = {k: np.asarray(v, dtype=np.float32).reshape(3, 1, 1) for k, v in stats[key].items()}
            batch[key] = normalize(x, s, mapping.get("VISUAL", "IDENTITY"), legacy)
    return batch


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def run_case(name, spec, modeling, ACTConfig, commit):
    cfg = ACTConfig(**spec["config"])
    policy = modeling.ACTPolicy(cfg)
    state_dict = policy.state_dict()
    with torch.no_grad():
        for key, tensor in state_dict.items():
            if key in COMPUTED_BUFFERS:
                continue
            tensor.copy_(torch.from_numpy(formula(key, tuple(tensor.shape))))
    policy.eval()
    legacy = spec["layout"] == "legacy"
    stats = spec["stats"]
    amode = cfg.normalization_mapping.get("ACTION", "IDENTITY")
    rng = np.random.RandomState(sum(map(ord, name)))
    observations = [make_observation(rng, cfg) for _ in range(spec["observations"])]

    chunks = []
    with torch.no_grad():
        for obs in observations:
            chunk = policy.predict_action_chunk(to_batch(obs, cfg, stats, legacy))
            chunks.append(unnormalize(chunk, stats["action"], amode, legacy)[0].numpy())
        # select_action over the observation sequence (queue or temporal ensembling), as a rollout calls it.
        policy.reset()
        selected = []
        for t in range(spec["select_steps"]):
            obs = observations[min(t, len(observations) - 1)]
            action = policy.select_action(to_batch(obs, cfg, stats, legacy))
            selected.append(unnormalize(action, stats["action"], amode, legacy)[0].numpy())

    # The same model in float64: how far LeRobot's own float32 result is from exact arithmetic (the noise floor any
    # float32 reimplementation shares). modeling_act.py makes its zero latent float32 explicitly; a pre-hook casts it.
    policy.double()
    policy.model.encoder_latent_input_proj.register_forward_pre_hook(lambda m, a: tuple(x.double() for x in a))
    chunks64 = []
    with torch.no_grad():
        for obs in observations:
            chunk = policy.predict_action_chunk(to_batch(obs, cfg, stats, legacy, torch.float64))
            chunks64.append(unnormalize(chunk, stats["action"], amode, legacy)[0].numpy())
    float32_error = max(float(np.abs(c32 - c64).max()) for c32, c64 in zip(chunks, chunks64))

    def encode(obs):
        out = {}
        for k, v in obs.items():
            out[k] = {"uint8_hwc_base64": base64.b64encode(v.tobytes()).decode()} if v.dtype == np.uint8 else floats(v)
        return out

    fixture = {
        "description": f"LeRobot ACT reference '{name}'; see README.md for the weight formula",
        "lerobot_commit": commit,
        "torch_version": torch.__version__,
        "layout": spec["layout"],
        "config": cfg.to_json(),
        "state_dict": [
            {"name": k, "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)} for k, v in state_dict.items()
        ],
        "stats": {k: {s: floats(v) for s, v in d.items()} for k, d in stats.items()},
        "observations": [encode(o) for o in observations],
        "chunks": [[floats(a) for a in c] for c in chunks],
        "chunks_float64": [[[float(v) for v in a] for a in c] for c in chunks64],
        "lerobot_float32_error": float32_error,
        "select_action": {
            "observation_index": [min(t, len(observations) - 1) for t in range(spec["select_steps"])],
            "actions": [floats(a) for a in selected],
        },
    }
    path = HERE / f"{name}.json"
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    n_params = sum(p.numel() for p in policy.parameters())
    print(f"{path.name}: {n_params:,} parameters, {len(state_dict)} tensors, "
          f"action range {min(c.min() for c in chunks):.2f}..{max(c.max() for c in chunks):.2f}, "
          f"LeRobot float32 vs float64 {float32_error:.2e}, {path.stat().st_size / 1024:.0f} KB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lerobot", required=True, type=Path, help="LeRobot checkout (holds src/lerobot)")
    parser.add_argument("--commit", default=None, help="LeRobot commit recorded in the fixtures (default: git rev-parse)")
    parser.add_argument("--case", action="append", help="only these cases")
    args = parser.parse_args()
    commit = args.commit
    if commit is None:
        try:
            commit = subprocess.check_output(["git", "-C", str(args.lerobot), "rev-parse", "HEAD"], text=True).strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "unknown"
    torch.set_num_threads(1)
    modeling, ACTConfig = load_lerobot(args.lerobot)
    for name, spec in CASES.items():
        if args.case and name not in args.case:
            continue
        run_case(name, spec, modeling, ACTConfig, commit)


if __name__ == "__main__":
    main()
