// wukongimjssdk 1.0.4 ships ESM with extensionless imports that NodeNext resolution cannot follow;
// the tests use it untyped, as a JavaScript app would.
declare module 'wukongimjssdk/lib/sdk';
declare module 'wukongimjssdk/lib/connect_manager';
declare module 'wukongimjssdk/lib/proto';
