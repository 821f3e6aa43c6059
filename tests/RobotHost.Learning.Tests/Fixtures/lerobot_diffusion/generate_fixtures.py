#!/usr/bin/env python3
"""Generates the LeRobot Diffusion Policy reference fixtures for LeRobotDiffusionImportTests (C#).

It runs LeRobot's own modeling_diffusion.py (unmodified, loaded from a LeRobot checkout) in eval mode on weights that
are a deterministic function of (tensor name, element index) — the ACT fixtures' formula, imported from
../lerobot_act/generate_fixtures.py — with fixed sampling noise that is also a formula of a name (Box-Muller over the
same generator), and stores what the C# test cannot recompute: LeRobot's config.json, the names/dtypes/shapes of the
real state dict, the statistics, the observation windows and the action chunks LeRobot returns for them.

modeling_diffusion.py imports diffusers' DDPMScheduler and DDIMScheduler. diffusers is not packaged for Debian, so
this script carries a minimal re-implementation of the two schedulers (construction, set_timesteps and step, with
diffusers' defaults as LeRobot constructs them: "leading" timesteps, fixed_small variance, set_alpha_to_one,
eta = 0, use_clipped_model_output = False, float32 schedule tensors). Its one addition is where DDPM's step draws its
variance noise: from the fixture's noise formula instead of torch.randn. The other stand-ins (config dataclass,
PreTrainedPolicy, einops, lerobot.policies.utils) replace imports outside the model code.

    /usr/bin/python3 generate_fixtures.py --lerobot /path/to/lerobot   # a checkout (or `git archive` of it)
"""

import argparse
import dataclasses
import importlib.util
import json
import math
import subprocess
import sys
import types
from collections import deque
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("lerobot_act_fixtures", HERE.parent / "lerobot_act" / "generate_fixtures.py")
act = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(act)

# Persistent buffers LeRobot computes itself (kept as LeRobot made them, not set from the formula).
COMPUTED_SUFFIXES = ("pool.pos_grid", "num_batches_tracked")


def gaussian(name: str, shape) -> np.ndarray:
    """Standard normal noise from the formula's generator: Box-Muller over the streams `name` and `name + "#"`,
    computed in float64 and rounded once to float32 (mirrored by LeRobotDiffusionFixture.Gaussian)."""
    n = int(np.prod(shape))
    u1 = 1.0 - (act.uniform_pm1(name, n) + 1.0) / 2.0  # (0, 1]
    u2 = (act.uniform_pm1(name + "#", n) + 1.0) / 2.0  # [0, 1)
    return (np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2)).astype(np.float32).reshape(shape)


# --------------------------------------------------------------------------------------------------------------------
# diffusers' DDPMScheduler / DDIMScheduler, the parts LeRobot uses (see the module docstring).
# --------------------------------------------------------------------------------------------------------------------

STEP_NOISE = {"prefix": None, "count": 0}


def betas_for(num_train_timesteps, beta_start, beta_end, beta_schedule):
    if beta_schedule == "linear":
        return torch.linspace(beta_start, beta_end, num_train_timesteps, dtype=torch.float32)
    if beta_schedule == "squaredcos_cap_v2":
        f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = [min(1 - f((i + 1) / num_train_timesteps) / f(i / num_train_timesteps), 0.999) for i in range(num_train_timesteps)]
        return torch.tensor(betas, dtype=torch.float32)
    raise NotImplementedError(beta_schedule)


class _Scheduler:
    def __init__(self, num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
                 clip_sample=True, clip_sample_range=1.0, prediction_type="epsilon"):
        assert prediction_type == "epsilon"
        self.config = types.SimpleNamespace(num_train_timesteps=num_train_timesteps, clip_sample=clip_sample,
                                            clip_sample_range=clip_sample_range, prediction_type=prediction_type)
        self.betas = betas_for(num_train_timesteps, beta_start, beta_end, beta_schedule)
        self.alphas = 1.0 - self.betas
        self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)
        self.one = torch.tensor(1.0)
        self.timesteps = torch.from_numpy(np.arange(0, num_train_timesteps)[::-1].copy())

    def set_timesteps(self, num_inference_steps, device=None):
        self.num_inference_steps = num_inference_steps
        step_ratio = self.config.num_train_timesteps // num_inference_steps
        self.timesteps = torch.from_numpy((np.arange(0, num_inference_steps) * step_ratio).round()[::-1].copy().astype(np.int64))

    def previous_timestep(self, t):
        return t - self.config.num_train_timesteps // self.num_inference_steps

    def _x0(self, model_output, sample, alpha_prod_t):
        x0 = (sample - (1 - alpha_prod_t) ** 0.5 * model_output) / alpha_prod_t ** 0.5
        if self.config.clip_sample:
            x0 = x0.clamp(-self.config.clip_sample_range, self.config.clip_sample_range)
        return x0


class DDPMScheduler(_Scheduler):
    def _get_variance(self, t):
        prev_t = self.previous_timestep(t)
        alpha_prod_t = self.alphas_cumprod[t]
        alpha_prod_t_prev = self.alphas_cumprod[prev_t] if prev_t >= 0 else self.one
        current_beta_t = 1 - alpha_prod_t / alpha_prod_t_prev
        return torch.clamp((1 - alpha_prod_t_prev) / (1 - alpha_prod_t) * current_beta_t, min=1e-20)

    def step(self, model_output, timestep, sample, generator=None):
        t = timestep
        prev_t = self.previous_timestep(t)
        alpha_prod_t = self.alphas_cumprod[t]
        alpha_prod_t_prev = self.alphas_cumprod[prev_t] if prev_t >= 0 else self.one
        beta_prod_t = 1 - alpha_prod_t
        beta_prod_t_prev = 1 - alpha_prod_t_prev
        current_alpha_t = alpha_prod_t / alpha_prod_t_prev
        current_beta_t = 1 - current_alpha_t
        x0 = self._x0(model_output, sample, alpha_prod_t)
        x0_coeff = (alpha_prod_t_prev ** 0.5 * current_beta_t) / beta_prod_t
        sample_coeff = current_alpha_t ** 0.5 * beta_prod_t_prev / beta_prod_t
        prev = x0_coeff * x0 + sample_coeff * sample
        if t > 0:
            # diffusers: randn_tensor(model_output.shape, generator=generator, dtype=model_output.dtype)
            name = f"{STEP_NOISE['prefix']}.step{STEP_NOISE['count']}"
            STEP_NOISE["count"] += 1
            noise = torch.from_numpy(gaussian(name, tuple(model_output.shape))).to(model_output.dtype)
            prev = prev + (self._get_variance(t) ** 0.5) * noise
        return types.SimpleNamespace(prev_sample=prev)


class DDIMScheduler(_Scheduler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.final_alpha_cumprod = torch.tensor(1.0)  # set_alpha_to_one=True

    def step(self, model_output, timestep, sample, eta=0.0, use_clipped_model_output=False, generator=None):
        prev_timestep = self.previous_timestep(timestep)
        alpha_prod_t = self.alphas_cumprod[timestep]
        alpha_prod_t_prev = self.alphas_cumprod[prev_timestep] if prev_timestep >= 0 else self.final_alpha_cumprod
        beta_prod_t = 1 - alpha_prod_t
        x0 = self._x0(model_output, sample, alpha_prod_t)
        pred_epsilon = model_output
        assert eta == 0.0 and not use_clipped_model_output
        direction = (1 - alpha_prod_t_prev) ** 0.5 * pred_epsilon
        return types.SimpleNamespace(prev_sample=alpha_prod_t_prev ** 0.5 * x0 + direction)


# --------------------------------------------------------------------------------------------------------------------
# Loading LeRobot's modeling_diffusion.py with stand-ins for its non-model imports.
# --------------------------------------------------------------------------------------------------------------------


def load_lerobot(src: Path):
    pkg_root = src / "src" / "lerobot" if (src / "src" / "lerobot").exists() else src / "lerobot"

    def module(name, package=False, **attrs):
        m = types.ModuleType(name)
        if package:
            m.__path__ = []
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    def from_file(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        m = importlib.util.module_from_spec(spec)
        sys.modules[name] = m
        spec.loader.exec_module(m)
        return m

    for p in ("lerobot", "lerobot.utils", "lerobot.configs", "lerobot.policies", "lerobot.policies.diffusion",
              "huggingface_hub", "diffusers", "diffusers.schedulers"):
        module(p, package=True)
    module("huggingface_hub.constants", HF_HOME="/tmp/hf_home")
    constants = from_file("lerobot.utils.constants", pkg_root / "utils" / "constants.py")
    ftypes = from_file("lerobot.configs.types", pkg_root / "configs" / "types.py")
    module("lerobot.utils.import_utils", _diffusers_available=True, require_package=lambda *a, **k: None)
    module("diffusers.schedulers.scheduling_ddpm", DDPMScheduler=DDPMScheduler)
    module("diffusers.schedulers.scheduling_ddim", DDIMScheduler=DDIMScheduler)

    def rearrange(x, pattern, **kw):
        p = pattern.replace(" ", "")
        if p == "bsn...->(bsn)...":
            return x.reshape(-1, *x.shape[3:])
        if p == "(bsn)...->bs(n...)":
            return x.reshape(kw["b"], kw["s"], -1)
        if p == "bsn...->n(bs)...":
            return x.transpose(0, 2).transpose(1, 2).reshape(x.shape[2], -1, *x.shape[3:])
        if p == "(nbs)...->bs(n...)":
            n = x.shape[0] // (kw["b"] * kw["s"])
            return x.reshape(n, kw["b"], kw["s"], -1).permute(1, 2, 0, 3).reshape(kw["b"], kw["s"], -1)
        if p in ("btd->bdt", "bdt->btd"):
            return x.transpose(1, 2)
        raise NotImplementedError(pattern)

    module("einops", rearrange=rearrange)

    class PreTrainedPolicy(nn.Module):
        def __init__(self, config, *args, **kwargs):
            super().__init__()
            self.config = config

    module("lerobot.policies.pretrained", PreTrainedPolicy=PreTrainedPolicy)

    def get_output_shape(m, input_shape):
        with torch.inference_mode():
            return tuple(m(torch.rand(size=input_shape)).shape)

    def populate_queues(queues, batch, exclude_keys=None):
        for key in batch:
            if key not in queues:
                continue
            if len(queues[key]) != queues[key].maxlen:
                while len(queues[key]) != queues[key].maxlen:
                    queues[key].append(batch[key])
            else:
                queues[key].append(batch[key])
        return queues

    module("lerobot.policies.utils",
           get_device_from_parameters=lambda m: next(iter(m.parameters())).device,
           get_dtype_from_parameters=lambda m: next(iter(m.parameters())).dtype,
           get_output_shape=get_output_shape, populate_queues=populate_queues)

    FeatureType = ftypes.FeatureType

    @dataclasses.dataclass
    class DiffusionConfig:
        n_obs_steps: int = 2
        horizon: int = 64
        n_action_steps: int = 32
        normalization_mapping: dict = dataclasses.field(
            default_factory=lambda: {"VISUAL": "MEAN_STD", "STATE": "MIN_MAX", "ACTION": "MIN_MAX"})
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
        drop_n_last_frames: int = 7
        vision_backbone: str = "resnet18"
        resize_shape: list = None
        crop_ratio: float = 1.0
        crop_shape: list = None
        crop_is_random: bool = True
        pretrained_backbone_weights: str = None  # LeRobot's default is ImageNet's; here the weights come from the formula
        use_group_norm: bool = False
        spatial_softmax_num_keypoints: int = 32
        use_separate_rgb_encoder_per_camera: bool = True
        down_dims: list = (512, 1024, 2048)
        kernel_size: int = 5
        n_groups: int = 8
        diffusion_step_embed_dim: int = 128
        use_film_scale_modulation: bool = True
        gradient_checkpointing: bool = False
        noise_scheduler_type: str = "DDPM"
        num_train_timesteps: int = 100
        beta_schedule: str = "squaredcos_cap_v2"
        beta_start: float = 0.0001
        beta_end: float = 0.02
        prediction_type: str = "epsilon"
        clip_sample: bool = True
        clip_sample_range: float = 1.0
        num_inference_steps: int = None
        compile_model: bool = False
        compile_mode: str = "reduce-overhead"
        do_mask_loss_for_padding: bool = False
        optimizer_lr: float = 1e-4
        optimizer_betas: list = (0.95, 0.999)
        optimizer_eps: float = 1e-8
        optimizer_weight_decay: float = 1e-6
        scheduler_name: str = "cosine"
        scheduler_warmup_steps: int = 500

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
            shapes = {tuple(f.shape) for f in self.image_features.values()}
            if not self.image_features and not self.env_state_feature or len(shapes) > 1:
                raise ValueError("need images of one shape or an environment state")

        def to_json(self):
            d = {"type": "diffusion"}
            d.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(self).items()})
            return d

    module("lerobot.policies.diffusion.configuration_diffusion", DiffusionConfig=DiffusionConfig)
    modeling = from_file("lerobot.policies.diffusion.modeling_diffusion", pkg_root / "policies" / "diffusion" / "modeling_diffusion.py")
    return modeling, DiffusionConfig


# --------------------------------------------------------------------------------------------------------------------
# The cases.
# --------------------------------------------------------------------------------------------------------------------

CASES = {
    # LeRobot's DiffusionConfig defaults where they matter for the architecture (DDPM with all 100 steps, squared-cosine
    # betas, BatchNorm ResNet18, FiLM scale, no crop, separate encoder per camera, MEAN_STD images / MIN_MAX state and
    # action), a small U-Net and horizon, one 64x64 camera, the current processor files.
    "diffusion_ddpm": dict(
        config=dict(
            input_features={
                "observation.state": {"type": "STATE", "shape": [6]},
                "observation.images.front": {"type": "VISUAL", "shape": [3, 64, 64]},
            },
            output_features={"action": {"type": "ACTION", "shape": [6]}},
            horizon=16,
            n_action_steps=8,
            down_dims=[32, 64],
            diffusion_step_embed_dim=32,
            spatial_softmax_num_keypoints=8,
        ),
        stats={"observation.state": act.SO101_STATE, "observation.images.front": act.IMAGENET, "action": act.SO101_ACTION},
        layout="processor",
        windows=2,
    ),
    # DDIM with 10 of 100 steps, linear betas, GroupNorm backbone, one encoder shared by two cameras with their own image
    # statistics, a crop with odd margins (torchvision's centre offset), bias-only FiLM, three U-Net levels, legacy
    # statistics inside model.safetensors.
    "diffusion_ddim": dict(
        config=dict(
            input_features={
                "observation.state": {"type": "STATE", "shape": [6]},
                "observation.images.top": {"type": "VISUAL", "shape": [3, 64, 80]},
                "observation.images.wrist": {"type": "VISUAL", "shape": [3, 64, 80]},
            },
            output_features={"action": {"type": "ACTION", "shape": [6]}},
            horizon=16,
            n_action_steps=6,
            n_obs_steps=3,
            down_dims=[16, 32, 64],
            diffusion_step_embed_dim=16,
            spatial_softmax_num_keypoints=4,
            kernel_size=3,
            use_group_norm=True,
            use_separate_rgb_encoder_per_camera=False,
            crop_shape=[57, 71],
            use_film_scale_modulation=False,
            noise_scheduler_type="DDIM",
            num_inference_steps=10,
            beta_schedule="linear",
        ),
        stats={
            "observation.state": act.SO101_STATE,
            "observation.images.top": {"mean": [0.41, 0.52, 0.33], "std": [0.21, 0.18, 0.27], "min": [0.0] * 3, "max": [1.0] * 3},
            "observation.images.wrist": {"mean": [0.55, 0.47, 0.38], "std": [0.25, 0.23, 0.19], "min": [0.0] * 3, "max": [1.0] * 3},
            "action": act.SO101_ACTION,
        },
        layout="legacy",
        windows=2,
    ),
}


def window_batch(frames, cfg, stats, legacy, dtype):
    """n_obs_steps frames → LeRobot's offline batch: each key (1, n_obs_steps, ...)."""
    per_frame = [act.to_batch(o, cfg, stats, legacy, dtype) for o in frames]
    return {k: torch.cat([b[k].unsqueeze(1) for b in per_frame], dim=1) for k in per_frame[0]}


def run_case(name, spec, modeling, DiffusionConfig, commit):
    cfg = DiffusionConfig(**spec["config"])
    policy = modeling.DiffusionPolicy(cfg)
    state_dict = policy.state_dict()
    layout = [{"name": k, "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)} for k, v in state_dict.items()]
    computed = {k: act.floats(v) for k, v in state_dict.items() if k.endswith("pos_grid")}
    with torch.no_grad():
        for key, tensor in state_dict.items():
            if key.endswith(COMPUTED_SUFFIXES):
                continue
            tensor.copy_(torch.from_numpy(act.formula(key, tuple(tensor.shape))))
    policy.eval()
    legacy = spec["layout"] == "legacy"
    stats = spec["stats"]
    amode = cfg.normalization_mapping.get("ACTION", "IDENTITY")
    rng = np.random.RandomState(sum(map(ord, name)))
    windows = [[act.make_observation(rng, cfg) for _ in range(cfg.n_obs_steps)] for _ in range(spec["windows"])]
    action_dim = cfg.output_features["action"]["shape"][0]

    def chunks_for(dtype):
        out = []
        with torch.no_grad():
            for w, frames in enumerate(windows):
                policy.reset()
                STEP_NOISE.update(prefix=f"{name}.window{w}", count=0)
                noise = torch.from_numpy(gaussian(f"{name}.window{w}.initial", (1, cfg.horizon, action_dim))).to(dtype)
                chunk = policy.predict_action_chunk(window_batch(frames, cfg, stats, legacy, dtype), noise=noise)
                out.append(act.unnormalize(chunk, stats["action"], amode, legacy)[0].numpy())
                draws = STEP_NOISE["count"]
        return out, draws

    chunks, step_draws = chunks_for(torch.float32)
    # The same model in float64: how far LeRobot's own float32 result is from exact network arithmetic (the schedule stays
    # diffusers' float32 tensors). The step embedding multiplies integer steps by float32 frequencies; a hook casts it.
    policy.double()
    policy.diffusion.unet.diffusion_step_encoder[1].register_forward_pre_hook(lambda m, a: tuple(x.double() for x in a))
    chunks64, _ = chunks_for(torch.float64)
    float32_error = max(float(np.abs(c32 - c64).max()) for c32, c64 in zip(chunks, chunks64))

    def encode(obs):
        import base64
        return {k: {"uint8_hwc_base64": base64.b64encode(v.tobytes()).decode()} if v.dtype == np.uint8 else act.floats(v)
                for k, v in obs.items()}

    fixture = {
        "description": f"LeRobot Diffusion Policy reference '{name}'; see README.md for the weight and noise formulas",
        "lerobot_commit": commit,
        "torch_version": torch.__version__,
        "layout": spec["layout"],
        "config": cfg.to_json(),
        "state_dict": layout,
        "computed_buffers": computed,
        "stats": {k: {s: act.floats(v) for s, v in d.items()} for k, d in stats.items()},
        "windows": [[encode(o) for o in frames] for frames in windows],
        "step_noise_draws": step_draws,
        "chunks": [[act.floats(a) for a in c] for c in chunks],
        "chunks_float64": [[[float(v) for v in a] for a in c] for c in chunks64],
        "lerobot_float32_error": float32_error,
    }
    path = HERE / f"{name}.json"
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    n_params = sum(p.numel() for p in policy.parameters())
    print(f"{path.name}: {n_params:,} parameters, {len(state_dict)} tensors, {step_draws} step-noise draws per chunk, "
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
    modeling, DiffusionConfig = load_lerobot(args.lerobot)
    for name, spec in CASES.items():
        if args.case and name not in args.case:
            continue
        run_case(name, spec, modeling, DiffusionConfig, commit)


if __name__ == "__main__":
    main()
