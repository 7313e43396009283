import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ADDONS } from "../infra/k8s/addons";
import { listChartFolders, readChart } from "../infra/k8s/charts";

const scratch = mkdtempSync(join(tmpdir(), "hostwise-charts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function chartDir(folder: string, dependencies: string): string {
  mkdirSync(join(scratch, folder), { recursive: true });
  writeFileSync(join(scratch, folder, "Chart.yaml"), `apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n${dependencies}`);
  writeFileSync(join(scratch, folder, "values.yaml"), "x:\n  a: 1\n");
  return folder;
}

describe("charts/", () => {
  it("has one folder per add-on, and the program installs each of them", () => {
    expect(listChartFolders()).toEqual(["aws-load-balancer-controller", "cluster-autoscaler", "dcgm-exporter", "keda", "keda-add-ons-http", "nvidia-device-plugin", "prometheus"]);
    expect(ADDONS.map((a) => a.folder).sort()).toEqual(listChartFolders());
  });

  it.each(listChartFolders())("%s pins exactly one upstream chart at an exact version from an https repository", (folder) => {
    const chart = readChart(folder);
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(chart.repository).toMatch(/^https:\/\//);
    expect(Object.keys(chart.values).length).toBeGreaterThan(0);
  });

  it("rejects a version range, latest, a non-https repository, and more than one chart", () => {
    expect(() => readChart(chartDir("range", "  - name: x\n    version: ^2.1.0\n    repository: https://example.test\n"), scratch)).toThrow(/version "\^2.1.0" is not an exact version/);
    expect(() => readChart(chartDir("tilde", "  - name: x\n    version: ~2.1\n    repository: https://example.test\n"), scratch)).toThrow(/not an exact version/);
    expect(() => readChart(chartDir("latest", "  - name: x\n    version: latest\n    repository: https://example.test\n"), scratch)).toThrow(/not an exact version/);
    expect(() => readChart(chartDir("http", "  - name: x\n    version: 1.2.3\n    repository: http://example.test\n"), scratch)).toThrow(/is not an https URL/);
    expect(() => readChart(chartDir("oci", "  - name: x\n    version: 1.2.3\n    repository: oci://example.test/charts\n"), scratch)).toThrow(/is not an https URL/);
    expect(() => readChart(chartDir("two", "  - name: x\n    version: 1.2.3\n    repository: https://a.test\n  - name: y\n    version: 1.0.0\n    repository: https://b.test\n"), scratch)).toThrow(/pins 2 charts/);
    expect(readChart(chartDir("ok", "  - name: x\n    version: 1.2.3\n    repository: https://example.test\n"), scratch).values).toEqual({ a: 1 });
  });

  it("keeps add-on controllers on the system nodes and GPU daemonsets on the tainted GPU nodes", () => {
    const values = Object.fromEntries(listChartFolders().map((f) => [f, readChart(f).values as any]));
    expect(values["nvidia-device-plugin"].nodeSelector).toEqual({ "hostwise.dev/node-role": "gpu" });
    expect(values["nvidia-device-plugin"].affinity).toBeNull();
    expect(values["dcgm-exporter"].tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(values["prometheus"].server.nodeSelector).toEqual({ "hostwise.dev/node-role": "system" });
    expect(values["keda"].operator.nodeSelector).toEqual({ "hostwise.dev/node-role": "system" });
    for (const part of ["operator", "scaler", "interceptor"]) expect(values["keda-add-ons-http"][part].nodeSelector).toEqual({ "hostwise.dev/node-role": "system" });
  });
});
