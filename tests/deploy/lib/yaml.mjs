// The npm "yaml" package, loaded from tests/tools/node_modules.
import { importPackageFile } from "./env.mjs";

const module = await importPackageFile("yaml/dist/index.js");
export default module.default ?? module;
