#!/usr/bin/env python3
"""Runs LeRobot's own modeling code on `robothost policy export-lerobot` output of RobotHost-trained checkpoints and
records LeRobot's actions for LeRobotTrainedExportTests (C#).

For each case (a RobotHost training output folder, trained with the commands in README.md):

1. The checkpoint's config.json and normalization.json (RobotHost's network settings and the statistics of the
   dataset it was trained on) are copied next to this script; they are the committed fixture.
2. A RobotHost checkpoint is written from them whose model.safetensors has the trained checkpoint's tensor names,
   shapes and dtypes and the weight formula's values (../lerobot_act/README.md; float tensors from the formula of
   their RobotHost name, int64 counters zero). The trained weights themselves (ResNet18 at width 64, 45+ MB) are not
   stored; the C# test rebuilds the same checkpoint from the same formula.
3. `robothost policy export-lerobot` exports it.
4. The export is loaded as LeRobot loads a pretrained_model folder: config.json's fields become the config
   dataclass's fields (every field mapped, none defaulted, an unknown field is an error — as draccus decodes it),
   model.safetensors goes into LeRobot's ACTPolicy / DiffusionPolicy with load_state_dict(strict=True), and the
   statistics come from the normalizer/unnormalizer processor steps named in policy_preprocessor.json /
   policy_postprocessor.json (their safetensors and norm_map).
5. Fixed observations (and, for Diffusion Policy, fixed initial noise; the checkpoints sample with DDIM, which
   draws no noise per step) go through LeRobot's predict_action_chunk; the unnormalised chunks are written to
   <case>.json with a SHA-256 of the exported model.safetensors.

LeRobot's model code runs unmodified; its config/hub/einops/diffusers imports are replaced by the stand-ins of
../lerobot_act/generate_fixtures.py and ../lerobot_diffusion/generate_fixtures.py.

    /usr/bin/python3 generate_fixtures.py --lerobot /path/to/lerobot --robothost ./robothost \
        --case act_trained=runs/act_tiny --case diffusion_trained=runs/dp_tiny
"""

import argparse
import dataclasses
import hashlib
import importlib.util
import json
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
CHECKPOINT_FILES = ("config.json", "normalization.json")


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


act = load_module("lerobot_act_fixtures", HERE.parent / "lerobot_act" / "generate_fixtures.py")

# --------------------------------------------------------------------------------------------------------------------
# safetensors (the format: 8-byte little-endian header length, JSON header, raw little-endian data).
# --------------------------------------------------------------------------------------------------------------------

DTYPES = {"F32": (np.float32, torch.float32), "I64": (np.int64, torch.int64), "F64": (np.float64, torch.float64)}


def read_safetensors(path: Path) -> dict:
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        begin, end = meta["data_offsets"]
        np_dtype = DTYPES[meta["dtype"]][0]
        out[name] = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np_dtype).reshape(meta["shape"]).copy()
    return out


def write_safetensors(path: Path, tensors: dict):
    names = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64", np.dtype(np.float64): "F64"}
    header, offset, blobs = {}, 0, []
    for name, a in tensors.items():
        raw = np.ascontiguousarray(a).tobytes()
        header[name] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def formula_checkpoint(trained: Path, out: Path):
    """The trained checkpoint's tensor layout with the weight formula's values (README.md)."""
    out.mkdir(parents=True)
    for f in CHECKPOINT_FILES:
        shutil.copy(trained / f, out / f)
    tensors = {}
    for name, a in read_safetensors(trained / "model.safetensors").items():
        if a.dtype == np.int64:
            tensors[name] = np.zeros(a.shape, np.int64)
        else:
            assert a.dtype == np.float32, f"{name}: {a.dtype}"
            tensors[name] = act.formula(name, a.shape)
    write_safetensors(out / "model.safetensors", tensors)


# --------------------------------------------------------------------------------------------------------------------
# Loading the export as LeRobot does.
# --------------------------------------------------------------------------------------------------------------------


def config_from_json(config_class, path: Path, type_name: str, recorded_fields: dict):
    """config.json → the config dataclass, every field from the file (LeRobot's PreTrainedConfig.from_pretrained
    decodes the whole file into the dataclass of its "type" with draccus)."""
    raw = json.loads(path.read_text())
    assert raw.pop("type") == type_name, f"{path}: type is not {type_name}"
    declared = {f.name for f in dataclasses.fields(config_class)}
    lerobot = set(recorded_fields["base"]) | set(recorded_fields["policies"][type_name])
    unknown = sorted(set(raw) - lerobot)
    assert not unknown, f"config.json fields LeRobot's {type_name} config does not have: {unknown}"
    not_in_stand_in = sorted(set(raw) - declared)
    assert not not_in_stand_in, f"stand-in config lacks {not_in_stand_in}"
    missing = sorted(declared - set(raw) - {"pretrained_path", "pretrained_revision"})
    assert not missing, f"config.json leaves these fields to their defaults: {missing}"
    return config_class(**raw), raw


def processor_stats(folder: Path, pipeline: str, registry: str):
    """The statistics and norm_map of a processor step, as LeRobot's normalizer processor loads them."""
    spec = json.loads((folder / f"{pipeline}.json").read_text())
    step = next(s for s in spec["steps"] if s["registry_name"] == registry)
    stats = {}
    for name, value in read_safetensors(folder / step["state_file"]).items():
        key, stat = name.rsplit(".", 1)
        stats.setdefault(key, {})[stat] = value
    return stats, step["config"]["norm_map"], step["config"]["eps"]


def normalize(x, stats, mode, eps):
    if mode == "IDENTITY":
        return x
    t = lambda k: torch.from_numpy(stats[k]).to(x.dtype)
    if mode == "MEAN_STD":
        return (x - t("mean")) / (t("std") + eps)
    if mode == "MIN_MAX":
        lo, hi = t("min"), t("max")
        denom = torch.where(hi - lo == 0, torch.tensor(eps, dtype=x.dtype), hi - lo)
        return 2 * (x - lo) / denom - 1
    raise ValueError(mode)


def unnormalize(x, stats, mode, eps):
    if mode == "IDENTITY":
        return x
    t = lambda k: torch.from_numpy(stats[k]).to(x.dtype)
    if mode == "MEAN_STD":
        return x * t("std") + t("mean")
    if mode == "MIN_MAX":
        lo, hi = t("min"), t("max")
        denom = torch.where(hi - lo == 0, torch.tensor(eps, dtype=x.dtype), hi - lo)
        return (x + 1) / 2 * denom + lo
    raise ValueError(mode)


def to_batch(obs, cfg, pre):
    stats, norm_map, eps = pre
    batch = {}
    for key, f in cfg.input_features.items():
        if f["type"] == "STATE":
            x = torch.from_numpy(obs[key]).unsqueeze(0)
        else:
            x = torch.from_numpy(obs[key]).permute(2, 0, 1).float().div(255.0).unsqueeze(0)
        batch[key] = normalize(x, stats.get(key, {}), norm_map.get(f["type"], "IDENTITY"), eps)
    return batch


def encode(obs):
    import base64
    return {k: {"uint8_hwc_base64": base64.b64encode(v.tobytes()).decode()} if v.dtype == np.uint8 else act.floats(v)
            for k, v in obs.items()}


def run_case(name, trained: Path, lerobot_src: Path, robothost: str, commit: str):
    trained = trained / "checkpoints" / "last" if (trained / "checkpoints" / "last").exists() else trained
    rh_config = json.loads((trained / "config.json").read_text())
    policy_type = rh_config["policy_type"]
    recorded = json.loads((HERE.parent / "lerobot_export" / "lerobot_config_fields.json").read_text())
    committed = HERE / name
    committed.mkdir(exist_ok=True)
    for f in CHECKPOINT_FILES:
        shutil.copy(trained / f, committed / f)

    with tempfile.TemporaryDirectory() as tmp:
        checkpoint, exported = Path(tmp) / "checkpoint", Path(tmp) / "exported"
        formula_checkpoint(trained, checkpoint)
        subprocess.run([robothost, "policy", "export-lerobot", "--checkpoint", str(checkpoint), "--out", str(exported)], check=True)

        if policy_type == "act":
            modeling, config_class = act.load_lerobot(lerobot_src)
            make_policy = modeling.ACTPolicy
        else:
            dp = load_module("lerobot_diffusion_fixtures", HERE.parent / "lerobot_diffusion" / "generate_fixtures.py")
            modeling, config_class = dp.load_lerobot(lerobot_src)
            make_policy = modeling.DiffusionPolicy
        cfg, config_json = config_from_json(config_class, exported / "config.json", policy_type, recorded)
        policy = make_policy(cfg)
        weights = read_safetensors(exported / "model.safetensors")
        policy.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
        policy.eval()
        pre = processor_stats(exported, "policy_preprocessor", "normalizer_processor")
        post_stats, post_map, post_eps = processor_stats(exported, "policy_postprocessor", "unnormalizer_processor")
        digest = hashlib.sha256((exported / "model.safetensors").read_bytes()).hexdigest()

    rng = np.random.RandomState(sum(map(ord, name)))
    n_obs = getattr(cfg, "n_obs_steps", 1)
    windows = [[act.make_observation(rng, cfg) for _ in range(n_obs)] for _ in range(3)]
    action_dim = cfg.output_features["action"]["shape"][0]
    chunks = []
    with torch.no_grad():
        for w, frames in enumerate(windows):
            policy.reset()
            batches = [to_batch(o, cfg, pre) for o in frames]
            if policy_type == "act":
                chunk = policy.predict_action_chunk(batches[0])
            else:
                batch = {k: torch.cat([b[k].unsqueeze(1) for b in batches], dim=1) for k in batches[0]}
                noise = torch.from_numpy(dp.gaussian(f"{name}.window{w}.initial", (1, cfg.horizon, action_dim)))
                dp.STEP_NOISE.update(prefix=f"{name}.window{w}", count=0)
                chunk = policy.predict_action_chunk(batch, noise=noise)
                assert dp.STEP_NOISE["count"] == 0, "the fixture expects DDIM sampling (no per-step noise)"
            chunks.append(unnormalize(chunk, post_stats["action"], post_map["ACTION"], post_eps)[0].numpy())

    fixture = {
        "description": f"LeRobot's actions for the export of RobotHost-trained checkpoint '{name}' (formula weights); see README.md",
        "lerobot_commit": commit,
        "torch_version": torch.__version__,
        "robothost_checkpoint": name,
        "exported_model_sha256": digest,
        "config": dict({"type": policy_type}, **config_json),
        "windows": [[encode(o) for o in frames] for frames in windows],
        "observations": [encode(frames[-1]) for frames in windows],
        "chunks": [[act.floats(a) for a in c] for c in chunks],
    }
    path = HERE / f"{name}.json"
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    n_params = sum(p.numel() for p in policy.parameters())
    print(f"{path.name}: LeRobot {policy_type}, {n_params:,} parameters, {len(weights)} tensors loaded strictly, "
          f"action range {min(c.min() for c in chunks):.2f}..{max(c.max() for c in chunks):.2f}, "
          f"{path.stat().st_size / 1024:.0f} KB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lerobot", required=True, type=Path, help="LeRobot checkout (holds src/lerobot)")
    parser.add_argument("--robothost", default=str(HERE.parents[3] / "robothost"), help="the robothost launcher")
    parser.add_argument("--case", action="append", required=True, help="NAME=TRAINING_OUTPUT (repeatable)")
    parser.add_argument("--commit", default=None, help="LeRobot commit recorded in the fixtures (default: git rev-parse)")
    args = parser.parse_args()
    git = subprocess.run(["git", "-C", str(args.lerobot), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    commit = args.commit or (git.stdout.strip() if git.returncode == 0 else "unknown")
    torch.set_num_threads(1)
    for case in args.case:
        name, _, folder = case.partition("=")
        # Each case loads its policy's modules under the same lerobot.* names; run them in separate processes.
        if len(args.case) > 1:
            subprocess.run([sys.executable, __file__, "--lerobot", str(args.lerobot), "--robothost", args.robothost,
                            "--commit", commit, "--case", case], check=True)
            continue
        run_case(name, Path(folder), args.lerobot, args.robothost, commit)


if __name__ == "__main__":
    main()
