import type { InputChange, PlanDiff } from "./planDiffCore";
import type { SnapshotResource } from "./planSnapshot";

/** Markdown for a PR comment or a job summary: warnings first, then resources, then env. */

const MAX_VALUE = 80;

/** A value in a table cell: JSON, shortened, pipes escaped; absent as an em dash. */
export function cell(v: unknown): string {
  if (v === undefined) return "—";
  // Plan values are JSON data (recorded inputs and outputs), never functions or symbols.
  let text = JSON.stringify(v);
  if (text.length > MAX_VALUE) text = `${text.slice(0, MAX_VALUE - 1)}…`;
  return `\`${text.replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
}

const title = (r: SnapshotResource) => `\`${r.name}\` (\`${r.type}\`)`;

function guardNote(r: SnapshotResource): string {
  const notes = [r.protect ? "Pulumi-protected: `pulumi up` will stop" : "", r.inputs["protection"] === true ? "Proxmox protection on" : "", r.type === "docker:index/volume:Volume" ? "a Docker volume: its data goes with it" : ""];
  return notes.filter(Boolean).join("; ");
}

function changeLine(c: InputChange): string {
  return `\`${c.path}\` ${cell(c.before)} → ${cell(c.after)}`;
}

export function renderMarkdown(diff: PlanDiff, baseLabel: string, headLabel: string): string {
  const out: string[] = [`## Plan diff: stack \`${diff.stack}\`, ${baseLabel} → ${headLabel}`, ""];
  if (diff.dangers.length) {
    out.push("> [!WARNING]", "> **Protected or stateful resources would be replaced or deleted.** Their data is lost, or the update stops at the protection:");
    for (const d of diff.dangers) {
      const why = d.action === "replaced" ? `: ${d.because.map(changeLine).join(", ")}` : "";
      out.push(`> - ${title(d.resource)} **${d.action}** (${guardNote(d.resource)})${why}`);
    }
    out.push("");
  }
  const nothing = !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.env.length;
  out.push(`**Resources:** ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged.`);
  if (nothing) return [...out, "", "No differences."].join("\n") + "\n";

  const list = (heading: string, rs: readonly SnapshotResource[]) => {
    if (!rs.length) return;
    out.push("", `### ${heading} (${rs.length})`, "", "| type | name | parent |", "| --- | --- | --- |");
    for (const r of rs) out.push(`| \`${r.type}\` | \`${r.name}\` | ${r.parent ? `\`${r.parent}\`` : "—"} |`);
  };
  list("Added", diff.added);
  list("Removed", diff.removed);
  if (diff.changed.length) {
    out.push("", `### Changed (${diff.changed.length})`);
    for (const c of diff.changed) {
      out.push("", `#### ${title(c.resource)}${c.replaced ? " — **replaced**" : ""}`, "", "| input | before | after | |", "| --- | --- | --- | --- |");
      for (const x of c.changes) out.push(`| \`${x.path}\` | ${cell(x.before)} | ${cell(x.after)} | ${x.ignored ? "ignored (ignoreChanges)" : x.replaces ? "forces replacement" : ""} |`);
    }
  }
  if (diff.rollout.length) {
    out.push("", "### Rollout order", "", "Rows with nothing under *after* start at once; a row waits for the health gates it lists (a pool's previous slot). A version that fails its health check halts `pulumi up` there: later rows keep the previous version.", "", "| # | container | how | after |", "| --- | --- | --- | --- |");
    diff.rollout.forEach((r, i) => {
      const how = r.order === "create-first"
        ? "new beside old; old stopped (SIGTERM) once the update succeeds"
        : `old stopped first (SIGTERM, up to ${r.stopGraceSeconds ?? 0} s), then new`;
      out.push(`| ${i + 1} | \`${r.container}\` | ${how} | ${r.after.length ? r.after.map((a) => `\`${a}\``).join(", ") : "—"} |`);
    });
  }
  if (diff.env.length) {
    out.push("", "### Environment (secrets as [secret])", "", "| service | variable | before | after |", "| --- | --- | --- | --- |");
    for (const e of diff.env) out.push(`| \`${e.service}\` | \`${e.variable}\` | ${cell(e.before)} | ${cell(e.after)} |`);
  }
  return out.join("\n") + "\n";
}
