import cascadeDeleteOfRecords from './cascade-delete-of-records.js';
import countValidatedAsAnyNumber from './count-validated-as-any-number.js';
import moneyStoredAsFloat from './money-stored-as-float.js';
import naturalKeyWithoutUniqueConstraint from './natural-key-without-unique-constraint.js';
import nestBodyWithoutDtoPersisted from './nest-body-without-dto-persisted.js';
import relatedWritesWithoutTransaction from './related-writes-without-transaction.js';

/** Data Integrity probes, sorted by id. */
export default [cascadeDeleteOfRecords, countValidatedAsAnyNumber, moneyStoredAsFloat, naturalKeyWithoutUniqueConstraint, nestBodyWithoutDtoPersisted, relatedWritesWithoutTransaction];
