// Builds TAK Protocol version 1 fixtures with @tak-ps/node-cot, the CoT
// library behind CloudTAK, for the Go tests of feeds/cot:
//
//   node make.mjs OUTDIR [XMLDIR...]
//
// For each case it writes NAME.bin (the TakMessage protobuf node-cot's
// to_proto gives, without a TAK header), NAME.xml (node-cot's CoT XML of
// the same event) and NAME.json (the fields the Go decoder must find).
// The events are in the form ATAK writes them (see ../../shape_test.go).
// Each CoT XML file in the XMLDIRs (real ATAK and WinTAK messages) is also
// turned into OUTDIR/samples/NAME.bin, or NAME.err when node-cot refuses it.
import { CoTParser } from '@tak-ps/node-cot';
import { writeFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node make.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const time = '2026-05-01T02:00:00.406Z';
const stale = '2026-05-01T02:01:15.406Z';
const head = (uid, type, how = 'm-g') =>
  `<event version="2.0" uid="${uid}" type="${type}" time="${time}" start="${time}" stale="${stale}" how="${how}">`;

const cases = [
  {
    name: 'pli',
    xml: head('ANDROID-5b1f2c', 'a-f-G-U-C') +
      '<point lat="31.2001" lon="121.6002" hae="4.5" ce="9.9" le="9999999.0"/>' +
      '<detail><takv os="34" version="5.2.0.8" device="GOOGLE PIXEL 8" platform="ATAK-CIV"/>' +
      '<contact endpoint="*:-1:stcp" callsign="Patrol 1"/><uid Droid="Patrol 1"/>' +
      '<precisionlocation altsrc="GPS" geopointsrc="GPS"/><__group role="Team Lead" name="Cyan"/>' +
      '<status battery="58"/><track course="327.5" speed="1.25"/><remarks>on round 3</remarks></detail></event>',
    want: {
      subject: 'ANDROID-5b1f2c', type: 'track.friendly', title: 'Patrol 1', description: 'on round 3',
      point: [121.6002, 31.2001],
      props: { cot_type: 'a-f-G-U-C', how: 'm-g', hae_m: 4.5, ce_m: 9.9, callsign: 'Patrol 1', endpoint: '*:-1:stcp',
        team: 'Cyan', role: 'Team Lead', battery_pct: 58, speed_mps: 1.25, course_deg: 327.5, platform: 'ATAK-CIV', device: 'GOOGLE PIXEL 8' },
    },
  },
  {
    name: 'circle',
    xml: head('9d1c7a2e-circle', 'u-d-c-c', 'h-e') +
      '<point lat="31.2001" lon="121.6002" hae="4.2" ce="9999999.0" le="9999999.0"/>' +
      '<detail><shape><ellipse major="250.0" minor="250.0" angle="360"/>' +
      '<link uid="9d1c7a2e-circle.Style" type="b-x-KmlStyle" relation="p-c"><Style><LineStyle><color>ff0000ff</color><width>4.0</width></LineStyle></Style></link></shape>' +
      '<__geofence elevationMonitored="false" minElevation="NaN" monitor="All" trigger="Entry" tracking="false" maxElevation="NaN" boundingSphere="85000.0"/>' +
      '<contact callsign="Gate fence"/><strokeColor value="-16776961"/><strokeWeight value="4.0"/><labels_on value="true"/></detail></event>',
    want: {
      subject: '9d1c7a2e-circle', type: 'drawing.shape', title: 'Gate fence', polygon: 65,
      props: { cot_type: 'u-d-c-c', radius_m: 250, geofence: true, geofence_trigger: 'Entry', geofence_monitor: 'All' },
    },
  },
  {
    name: 'rectangle',
    xml: head('52ce8003-rect', 'u-d-r', 'h-e') +
      '<point lat="31.2005" lon="121.60075" hae="3.0" ce="9999999.0" le="9999999.0"/>' +
      '<detail><link point="31.2010,121.6000,3.1"/><link point="31.2000,121.6000,2.9"/><link point="31.2000,121.6015"/><link point="31.2010,121.6015"/>' +
      '<contact callsign="Rectangle 1"/><remarks>car park</remarks><strokeColor value="-16744704"/><fillColor value="-1778352384"/></detail></event>',
    want: {
      subject: '52ce8003-rect', type: 'drawing.shape', title: 'Rectangle 1', description: 'car park', polygon: 5,
      props: { cot_type: 'u-d-r' },
    },
  },
];

// A marker from GeoJSON, as CloudTAK makes them.
const marker = await CoTParser.from_geojson({
  id: 'marker-smoke-1', type: 'Feature',
  properties: { type: 'b-m-p-s-m', how: 'h-g-i-g-o', callsign: 'Smoke seen', remarks: 'from node-cot', time, start: time, stale },
  geometry: { type: 'Point', coordinates: [121.6031, 31.1994] },
});

const all = cases.map((c) => ({ ...c, cot: CoTParser.from_xml(c.xml) }));
all.push({
  name: 'marker', cot: marker,
  want: { subject: 'marker-smoke-1', type: 'marker.point', title: 'Smoke seen', description: 'from node-cot', point: [121.6031, 31.1994],
    props: { cot_type: 'b-m-p-s-m', how: 'h-g-i-g-o' } },
});

for (const c of all) {
  const bin = await CoTParser.to_proto(c.cot);
  writeFileSync(join(out, c.name + '.bin'), bin);
  writeFileSync(join(out, c.name + '.xml'), CoTParser.to_xml(c.cot) + '\n');
  writeFileSync(join(out, c.name + '.json'), JSON.stringify({ time, stale, ...c.want }, null, 2) + '\n');
}
let samples = 0;
for (const dir of process.argv.slice(3)) {
  mkdirSync(join(out, 'samples'), { recursive: true });
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.xml')).sort()) {
    const name = join(out, 'samples', basename(f, '.xml'));
    try {
      const bin = await CoTParser.to_proto(CoTParser.from_xml(readFileSync(join(dir, f), 'utf8')));
      writeFileSync(name + '.bin', bin);
      samples++;
    } catch (err) {
      writeFileSync(name + '.err', String(err && err.message || err) + '\n');
    }
  }
}
console.log(`wrote ${all.length} fixtures and ${samples} samples to ${out}`);
