import cascadeDeleteOfRecords from './cascade-delete-of-records.js';
import moneyStoredAsFloat from './money-stored-as-float.js';
import nestBodyWithoutDtoPersisted from './nest-body-without-dto-persisted.js';
import naturalKeyWithoutUniqueConstraint from './natural-key-without-unique-constraint.js';

/** Data Integrity probes, sorted by id. */
export default [cascadeDeleteOfRecords, moneyStoredAsFloat, naturalKeyWithoutUniqueConstraint, nestBodyWithoutDtoPersisted];
