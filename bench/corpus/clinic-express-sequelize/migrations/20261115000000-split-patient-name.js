'use strict';

// Patients get separate first/last name so the search can match on surname.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('patients', 'first_name', Sequelize.STRING);
    await queryInterface.addColumn('patients', 'last_name', Sequelize.STRING);
    await queryInterface.sequelize.query(
      "UPDATE patients SET first_name = SUBSTRING_INDEX(full_name, ' ', 1), last_name = TRIM(SUBSTRING(full_name, LENGTH(SUBSTRING_INDEX(full_name, ' ', 1)) + 1))",
    );
    // vuln: Recovery
    await queryInterface.removeColumn('patients', 'full_name');
    await queryInterface.addIndex('patients', ['clinic_id', 'last_name']);
  },

  // vuln: Recovery
  async down() {
    throw new Error('irreversible: full_name was dropped');
  },
};
