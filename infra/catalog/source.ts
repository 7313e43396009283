/** Where a catalog figure came from and when it was collected. Every catalog entry carries one. */
export interface Source {
  /** A document, dataset or page, precise enough to find again. */
  readonly ref: string;
  /** ISO date the figure was collected (or the dataset was generated). */
  readonly date: string;
  /** Anything a reader needs to judge the figure: what was assumed, what it is not. */
  readonly note?: string;
}
