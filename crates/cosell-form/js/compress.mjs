// gzip with zopfli: the same gzip format the loader's DecompressionStream reads, about 5% smaller
// than `gzip -9`. Usage: node compress.mjs INPUT OUTPUT
import { gzipAsync } from '@gfx/zopfli';
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
    console.error('usage: node compress.mjs INPUT OUTPUT');
    process.exit(2);
}
writeFileSync(output, await gzipAsync(readFileSync(input), { numiterations: 15 }));
