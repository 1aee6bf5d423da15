/**
 * The database was migrated by a newer Parley than this one. An older server must not run on it: it
 * would write rows without what the newer schema's code relies on (a downgrade is a restore of the
 * backup taken before the upgrade; docs/operations.md, "Upgrades").
 */
export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';

  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the database's schema is version ${found}, made by a newer Parley; this one knows versions up to ${known}: ` +
        'run the newer version, or restore the backup taken before the upgrade',
    );
  }
}
