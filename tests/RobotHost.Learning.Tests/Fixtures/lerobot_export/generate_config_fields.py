#!/usr/bin/env python3
"""Records the fields of LeRobot's policy config dataclasses (name, annotation, default, as written in LeRobot's source)
in lerobot_config_fields.json, so LeRobotExportTests can check that every config.json field RobotHost exports is one
LeRobot's config parser (draccus) accepts, without Python at test time. Reads the source with `ast`; imports nothing.

    /usr/bin/python3 generate_config_fields.py --lerobot /path/to/lerobot   # a checkout (or `git archive` of it)
"""

import argparse
import ast
import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = {
    "base": ("configs/policies.py", "PreTrainedConfig"),
    "act": ("policies/act/configuration_act.py", "ACTConfig"),
    "diffusion": ("policies/diffusion/configuration_diffusion.py", "DiffusionConfig"),
}


def fields(path: Path, class_name: str) -> dict:
    tree = ast.parse(path.read_text())
    cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name)
    out = {}
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and not node.target.id.startswith("_"):
            out[node.target.id] = {
                "type": ast.unparse(node.annotation),
                "default": ast.unparse(node.value) if node.value is not None else None,
            }
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lerobot", required=True, type=Path)
    args = parser.parse_args()
    root = args.lerobot / "src" / "lerobot"
    try:
        commit = subprocess.check_output(["git", "-C", str(args.lerobot), "rev-parse", "HEAD"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    result = {"lerobot_commit": commit, "base": fields(root / SOURCES["base"][0], SOURCES["base"][1]), "policies": {}}
    for key in ("act", "diffusion"):
        result["policies"][key] = fields(root / SOURCES[key][0], SOURCES[key][1])
    (HERE / "lerobot_config_fields.json").write_text(json.dumps(result, indent=1) + "\n")
    print({k: len(v) for k, v in result["policies"].items()}, len(result["base"]), "base fields")


if __name__ == "__main__":
    main()
