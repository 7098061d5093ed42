#!/usr/bin/env bash
# Checks the deploy files without a Docker engine or a cluster: the generated files are current,
# docker-compose.yml is valid, the Dockerfile passes hadolint, the manifests match Kubernetes' schemas,
# and every service's openapi.yaml is a valid OpenAPI document.
source "$(dirname "$0")/local/lib.sh"

ensure_python_tools >/dev/null
VENV="$AZORA_ROOT/.local/venv"

say "checking the deploy files"
"$AZORA_ROOT/deploy/render.sh" --check
cd "$AZORA_ROOT"
docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml is valid"
"$VENV/bin/hadolint" deploy/Dockerfile
echo "deploy/Dockerfile passes hadolint"
manifests=()
for file in "$AZORA_ROOT"/deploy/k8s/*.yaml; do
    [ "$(basename "$file")" = kustomization.yaml ] || manifests+=("$file")
done
"$VENV/bin/kubernetes-validate" --strict --kubernetes-version 1.30 "${manifests[@]}" >/dev/null
echo "deploy/k8s: ${#manifests[@]} manifests valid for Kubernetes 1.30"
contracts=("$AZORA_ROOT"/Services/*/openapi.yaml)
if [ -e "${contracts[0]}" ]; then
    "$VENV/bin/openapi-spec-validator" "${contracts[@]}" >/dev/null
    echo "openapi: ${#contracts[@]} service contracts valid"
fi
