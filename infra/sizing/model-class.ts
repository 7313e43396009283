import type { ModelArchitecture } from "../catalog/models";

/** Size bands, by total parameters (what memory is sized for): upper bound in billions, then the label. */
const CLASSES: ReadonlyArray<readonly [number, string]> = [
  [3, "1B class"],
  [10, "7B class"],
  [20, "13B class"],
  [45, "30B class"],
  [110, "70B class"],
  [250, "180B class"],
];

/** "13B class", "70B class" …; mixture-of-experts models add their active size. */
export function modelClass(arch: ModelArchitecture): string {
  const band = CLASSES.find(([upTo]) => arch.paramsBillions < upTo);
  const label = band ? band[1] : "400B+ class";
  return arch.activeParamsBillions < arch.paramsBillions
    ? `${label} (mixture of experts, ${arch.activeParamsBillions}B active)`
    : label;
}
