import cascadeDeleteOfRecords from './cascade-delete-of-records.js';
import moneyStoredAsFloat from './money-stored-as-float.js';
import naturalKeyWithoutUniqueConstraint from './natural-key-without-unique-constraint.js';

/** Data Integrity probes, sorted by id. */
export default [cascadeDeleteOfRecords, moneyStoredAsFloat, naturalKeyWithoutUniqueConstraint];
