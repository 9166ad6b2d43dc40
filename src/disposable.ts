// `using` support: Net and ResidentTensor get `[Symbol.dispose]()` (explicit resource management:
// `using net = Net.fromGraph(spec)` disposes it at the end of the block) where the runtime has
// Symbol.dispose (Node ≥ 20.4 — verified on 20.20 —, Chrome ≥ 134); elsewhere nothing is added
// and dispose() is the way. The global declaration types Symbol.dispose for TypeScript projects
// whose lib lacks esnext.disposable (the same declaration as TypeScript's own lib and @types/node).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/**
 * The type of `[Symbol.dispose]` on those classes. Declared through this type so that their .d.ts
 * imports this file, and with it the global declaration above.
 */
export type DisposeMethod = () => void;

/** Adds `[Symbol.dispose]()`, calling `dispose()`, to `cls`'s instances when the runtime has the symbol. */
export function disposableWithUsing(cls: { prototype: { dispose(): void } }): void {
  const symbol = (Symbol as { dispose?: symbol }).dispose;
  if (typeof symbol !== "symbol") return;
  Object.defineProperty(cls.prototype, symbol, {
    value: function (this: { dispose(): void }) {
      this.dispose();
    },
    writable: true,
    configurable: true,
  });
}
