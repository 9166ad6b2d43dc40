// Tile as a Net layer (src/ops/tile.ts): `repeats` per axis; its backward sums dy over the copies.
import { type TileAttrs, tile, tileBackward, tileShape } from "../../ops/tile.js";
import type { LayerOp } from "../layer-op.js";

export const TileLayer: LayerOp = {
  op: "Tile",
  inputs: 1,
  attrs: ["repeats"],
  shape: ([x], attrs) => tileShape(x, attrs, "Tile"),
  forward: ([x], attrs) => tile(x, attrs as unknown as TileAttrs),
  backward: (dy, [x], _y, attrs) => ({ inputs: [tileBackward(dy, x.shape, attrs as unknown as TileAttrs)] }),
  // repeating a spatial axis puts copies of the grid side by side: no coordinate map
  keepsCoordinates: ([x], out) => out.length === x.length && out.every((d, a) => a < 2 || d === x[a]),
};
