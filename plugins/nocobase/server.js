// NocoBase loads a plugin's server side from `<package>/server`.
module.exports = require("./dist/plugins/nocobase/src/server/index.js");
