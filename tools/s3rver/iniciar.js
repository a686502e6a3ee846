// Starts s3rver for the tests on a free loopback port (port 0) with its data under the folder given
// as the first argument, and prints "http://127.0.0.1:<port>" once it listens. test.sh stops it by PID.
'use strict';
const S3rver = require('s3rver');

const carpeta = process.argv[2];
if (!carpeta) {
  console.error('uso: node iniciar.js <carpeta de datos>');
  process.exit(2);
}

new S3rver({ address: '127.0.0.1', port: 0, directory: carpeta, silent: true })
  .run()
  .then(({ address, port }) => console.log(`http://${address}:${port}`))
  .catch(e => {
    console.error(e);
    process.exit(1);
  });
