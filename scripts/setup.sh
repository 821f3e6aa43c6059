#!/usr/bin/env bash
# One-time set-up on Debian/Ubuntu with the .NET SDK: system packages, restore, build (and the TorchSharp fix).
# Idempotent: run it again at any time. Without root, it prints the one command to run and stops.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v dotnet >/dev/null || { echo "setup: the .NET SDK 10 is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2; exit 1; }

# System packages: ffmpeg (dataset video: H.264/AV1 encode and decode), libgtk-3-0 (OpenCvSharp's native library links GTK3),
# socat (pseudo-terminal serial ports for the virtual servo bus), tmux (headless TUI tests), v4l-utils (find-cameras lists modes with v4l2-ctl),
# gcc + libc6-dev (the build compiles sdk/RobotHost.Learning/Native/scalar_guard.c, which stops a TorchSharp use-after-free).
packages=(ffmpeg libgtk-3-0 socat tmux v4l-utils gcc libc6-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} > 0 )); then
  install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}" >&2
    bash -c "$install_cmd" >/tmp/robothost-apt.log 2>&1 || { tail -20 /tmp/robothost-apt.log >&2; exit 1; }
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "setup: installing ${missing[*]} with sudo" >&2
    sudo bash -c "$install_cmd" >/tmp/robothost-apt.log 2>&1 || { tail -20 /tmp/robothost-apt.log >&2; exit 1; }
  else
    echo "setup: missing system packages: ${missing[*]}. Run this once, then run setup again:" >&2
    echo "  sudo bash -c '$install_cmd'" >&2
    exit 1
  fi
fi

# Restore and build everything (the TorchSharp GLIBCXX patch runs inside the build, see build/TorchSharpGlibcxx.targets).
echo "setup: building RobotHost (first build restores ~1 GB of libtorch; later builds are incremental)" >&2
dotnet build "$root/RobotHost.sln" -c Release -nologo -v q -clp:ErrorsOnly
echo "setup: done. Run ./robothost --help" >&2
