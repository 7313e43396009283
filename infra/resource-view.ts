/** A resource as policies and the price book see it: its Pulumi type token, logical name and input properties. */
export interface ResourceView {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
}
