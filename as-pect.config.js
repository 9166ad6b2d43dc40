// as-pect: the kernel specs (assembly/__tests__/*.spec.ts) compare each fast kernel with its
// AssemblyScript reference over tail families. Run by scripts/test.js with each asconfig.
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
