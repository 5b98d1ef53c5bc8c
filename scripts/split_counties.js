// Splits us-atlas's counties-10m.json into one small TopoJSON file per state, plus an index of their bounds.
// A map then loads only the counties of the states in view: Georgia's are 9 KB gzipped, all of them 250 KB.
// Usage: node scripts/split_counties.js node_modules/us-atlas/counties-10m.json static/vendor/us-atlas/counties
"use strict";

const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");

const [source, target] = process.argv.slice(2);
const us = JSON.parse(fs.readFileSync(source, "utf8"));
const byState = new Map();
for (const county of us.objects.counties.geometries) {
  const state = county.id.slice(0, 2); // county FIPS codes start with their state's
  if (!byState.has(state)) byState.set(state, []);
  byState.get(state).push(county);
}

fs.mkdirSync(target, { recursive: true });
const index = {};
for (const [state, counties] of [...byState].sort()) {
  // Keep only the arcs this state's counties use, renumbered; arc data stays quantized and delta-encoded.
  const renumbered = new Map();
  const arcs = [];
  const renumber = (arc) => {
    const original = arc < 0 ? ~arc : arc;
    if (!renumbered.has(original)) {
      renumbered.set(original, arcs.length);
      arcs.push(us.arcs[original]);
    }
    const number = renumbered.get(original);
    return arc < 0 ? ~number : number;
  };
  const walk = (value) => (typeof value === "number" ? renumber(value) : value.map(walk));
  const geometries = counties.map((county) => ({ type: county.type, arcs: walk(county.arcs) }));
  const topology = {
    type: "Topology",
    transform: us.transform,
    objects: { counties: { type: "GeometryCollection", geometries } },
    arcs,
  };
  fs.writeFileSync(path.join(target, `${state}.json`), JSON.stringify(topology));
  const [west, south, east, north] = topojson.bbox(topology);
  const round = (value, direction) => Math[direction](value * 100) / 100;
  index[state] = [round(west, "floor"), round(south, "floor"), round(east, "ceil"), round(north, "ceil")];
}
fs.writeFileSync(path.join(target, "index.json"), JSON.stringify(index) + "\n");
console.log(`${Object.keys(index).length} states written to ${target}`);
