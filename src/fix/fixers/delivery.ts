import { stringify } from "yaml";
import type { Fixer, FixContext } from "../fixer.js";
import { freePath } from "../project.js";
import { servingDockerfile } from "./service-target.js";

/** The Dockerfile to publish: the one this run writes, else the committed one that starts the service, else any. */
function dockerfileToPublish(ctx: FixContext): string | undefined {
  const planned = ctx.planned.find(
    (f) => /(^|\/)(serve\.)?Dockerfile$/.test(f.path) || f.path.endsWith(".Dockerfile"),
  );
  return planned?.path ?? servingDockerfile(ctx)?.path ?? ctx.facts.dockerfiles.find((d) => d.from)?.path;
}

/** cicd.delivery: a workflow that builds the image and pushes it to GitHub's container registry. */
export const deliveryFixer: Fixer = {
  id: "delivery",
  rules: ["cicd.delivery"],
  propose(ctx) {
    const dockerfile = dockerfileToPublish(ctx);
    if (!dockerfile) return { skip: "no Dockerfile to build (fix foundations.container in the same run)" };
    const context = dockerfile.includes("/") ? dockerfile.slice(0, dockerfile.lastIndexOf("/")) : ".";
    const workflow = {
      name: "Publish image",
      on: { push: { branches: ["main", "master"], tags: ["v*"] } },
      permissions: { contents: "read", packages: "write" },
      jobs: {
        image: {
          "runs-on": "ubuntu-latest",
          steps: [
            { uses: "actions/checkout@v4" },
            { uses: "docker/setup-buildx-action@v3" },
            {
              name: "Log in to GitHub's container registry",
              uses: "docker/login-action@v3",
              with: {
                registry: "ghcr.io",
                username: "${{ github.actor }}",
                password: "${{ secrets.GITHUB_TOKEN }}",
              },
            },
            {
              id: "meta",
              uses: "docker/metadata-action@v5",
              with: {
                images: "ghcr.io/${{ github.repository }}",
                tags: "type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=sha\n",
              },
            },
            {
              name: "Build and push",
              uses: "docker/build-push-action@v6",
              with: {
                context,
                file: dockerfile,
                push: true,
                tags: "${{ steps.meta.outputs.tags }}",
                labels: "${{ steps.meta.outputs.labels }}",
                "cache-from": "type=gha",
                "cache-to": "type=gha,mode=max",
              },
            },
          ],
        },
      },
    };
    const path = freePath(ctx.project.paths, ".github/workflows/publish-image.yml");
    const header = `# Builds ${dockerfile} and pushes it to ghcr.io under this repository's name on pushes to main or master and on v* tags.\n`;
    return {
      files: [{ ...path, content: header + stringify(workflow, { lineWidth: 0 }) }],
      todo: [
        "No secret to add: the job logs in with the workflow's own GITHUB_TOKEN (packages: write).",
        "If your default branch is not main or master, name it under on.push.branches.",
        ...(ctx.facts.paths.some((p) => p.endsWith(".dvc"))
          ? [
              "DVC-tracked files are not in the checkout: add a `dvc pull` step (with your remote's credentials as secrets) before the build.",
            ]
          : []),
      ],
    };
  },
};
